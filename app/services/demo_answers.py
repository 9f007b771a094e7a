"""Answers for a demo year, so that loading last year's answers can be tried at once."""

import random

from sqlalchemy import func, select

from app.extensions import db
from app.models import Answer, Form, Package
from app.rules.access import Actor, role_for_organisation
from app.rules.enums import EstateState, Right
from app.services import forms as service

TEXTS = [
    "Boligorganisationen har drøftet emnet på bestyrelsesmødet og følger op i det kommende år.",
    "Der er iværksat en handlingsplan, som gennemgås ved næste dialogmøde.",
    "Status er tilfredsstillende; der er ikke behov for yderligere tiltag.",
]
POINTS = ["Fugt i kældrene", "Tryghed på udearealerne", "Renovering af tagene", "Udlejning"]


def fill(year: int, seed: int = 2026) -> int:
    """Answer every package of `year` that has no answers yet; returns the answers saved."""
    rng = random.Random(seed)
    saved = 0
    for package in db.session.scalars(select(Package).where(Package.year == year)).all():
        answered = db.session.scalar(
            select(func.count(Answer.id)).join(Form).where(Form.package_id == package.id)
        )
        if answered:
            continue
        organisation = package.organisation
        actor = Actor(
            user_id=None,
            roles=frozenset({role_for_organisation(organisation.kind)}),
            organisation_id=organisation.id,
            organisation_ids=frozenset({organisation.id}),
            rights=frozenset({Right.FILL_AND_SEND}),
        )
        for form in package.forms:
            for key, value in _answers(form, rng):
                service.save_answer(form.id, key, value, 0, None, actor)
                saved += 1
    return saved


def _answers(form, rng):
    definition = service.definition_of(form)
    figures = service.form_figures(form, definition)
    flagged = service.flagged_items(definition, figures)
    in_operation = form.estate is None or form.estate.state == EstateState.IN_OPERATION
    for question in definition.questions():
        if question.comment_for is not None:
            if question.comment_for in flagged:
                yield question.key, rng.choice(TEXTS)
            continue
        if not in_operation and question.key not in ("a_challenges", "a_items"):
            continue
        if question.kind == "yes_no":
            yield question.key, rng.random() < 0.3
        elif question.kind == "choice":
            yield question.key, question.options[rng.choice([0, 0, 1])].value
        elif question.kind == "prioritised_list":
            yield question.key, rng.sample(POINTS, 2)
        elif question.required or question.required_when:
            yield question.key, rng.choice(TEXTS)
