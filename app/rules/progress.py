"""Section, form and package status, derived from the answers (user guide 5.2.3)."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from app.questionnaires import FormDefinition, KeyFigureTable, Section
from app.rules.answers import condition_holds, is_answered
from app.rules.enums import N_, FormStatus, PackageStatus
from app.rules.violations import Violation


@dataclass(frozen=True)
class SectionProgress:
    key: str
    status: FormStatus
    missing: tuple[Violation, ...] = ()


@dataclass(frozen=True)
class FormProgress:
    status: FormStatus
    sections: tuple[SectionProgress, ...]

    @property
    def missing(self) -> tuple[Violation, ...]:
        return tuple(v for section in self.sections for v in section.missing)


ANSWER_REQUIRED = Violation("answer_required", N_("Spørgsmålet skal besvares."))
COMMENT_REQUIRED = Violation(
    "comment_required", N_("Et gult eller rødt nøgletal skal kommenteres.")
)


def required_keys(
    section: Section, answers: Mapping[str, object], flagged_items: frozenset[str]
) -> list[tuple[str, Violation]]:
    """Questions that must be answered for the section to be done, each with the reason: the
    required ones, those whose condition holds, and the comment under any table with a yellow
    or red figure."""
    keys = []
    for item in section.items:
        if isinstance(item, KeyFigureTable) or item.kind == "computed":
            if item.comment is not None and item.key in flagged_items:
                keys.append((item.comment.key, COMMENT_REQUIRED))
            continue
        if item.required or condition_holds(item.required_when, answers):
            keys.append((item.key, ANSWER_REQUIRED))
    return keys


def section_progress(
    section: Section, answers: Mapping[str, object], flagged_items: frozenset[str] = frozenset()
) -> SectionProgress:
    missing = tuple(
        replace(reason, field=key)
        for key, reason in required_keys(section, answers, flagged_items)
        if not is_answered(answers.get(key))
    )
    if not missing:
        return SectionProgress(section.key, FormStatus.DONE)
    started = any(is_answered(answers.get(q.key)) for q in section.questions())
    return SectionProgress(
        section.key, FormStatus.IN_PROGRESS if started else FormStatus.NOT_STARTED, missing
    )


def applicable_sections(definition: FormDefinition, estate_state: str | None) -> list[Section]:
    """An estate under construction fills only part A (Bilag 4)."""
    if estate_state is None:
        return list(definition.sections)
    return [s for s in definition.sections if s.applies(estate_state.lower())]


def form_progress(
    definition: FormDefinition,
    answers: Mapping[str, object],
    estate_state: str | None = None,
    flagged_items: frozenset[str] = frozenset(),
) -> FormProgress:
    sections = tuple(
        section_progress(s, answers, flagged_items)
        for s in applicable_sections(definition, estate_state)
    )
    if all(s.status == FormStatus.DONE for s in sections):
        status = FormStatus.DONE
    # an answer stored for a question the form no longer has starts nothing
    elif any(is_answered(answers.get(q.key)) for q in definition.questions()):
        status = FormStatus.IN_PROGRESS
    else:
        status = FormStatus.NOT_STARTED
    return FormProgress(status, sections)


def derived_package_status(
    current: PackageStatus, form_statuses: Iterable[FormStatus], any_answer: bool
) -> PackageStatus:
    """READY until the first saved answer, COMPLETE while every form is done, IN_PROGRESS
    otherwise; a submitted package is no longer derived from its answers."""
    if current.is_submitted:
        return current
    statuses = list(form_statuses)
    if statuses and all(s == FormStatus.DONE for s in statuses):
        return PackageStatus.COMPLETE
    if current == PackageStatus.READY and not any_answer:
        return PackageStatus.READY
    return PackageStatus.IN_PROGRESS


def commentable_items(definition: FormDefinition) -> frozenset[str]:
    """The key-figure tables with a comment question: the items a yellow or red figure can
    flag (flags are found per table of key figures), so every set of flagged items lies
    within them."""
    return frozenset(
        item.key
        for item in definition.items()
        if isinstance(item, KeyFigureTable) and item.comment is not None
    )


def statuses_whatever_the_flags(
    definition: FormDefinition, answers: Mapping[str, object], estate_state: str | None = None
) -> tuple[FormStatus, dict[str, FormStatus]] | None:
    """The form's and its sections' statuses when no yellow or red figure can change them, or
    None when they depend on which figures are flagged.

    A flag only adds a required comment, so a status is the same under every set of flags when
    it is the same with none flagged and with all flagged: then the key figures need not be
    read to derive it."""
    lenient = form_progress(definition, answers, estate_state)
    strict = form_progress(definition, answers, estate_state, commentable_items(definition))
    statuses = [(s.key, s.status) for s in lenient.sections]
    if lenient.status != strict.status or statuses != [(s.key, s.status) for s in strict.sections]:
        return None
    return lenient.status, dict(statuses)
