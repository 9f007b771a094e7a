"""Random actions by random roles (hypothesis, stateful): the package only ever moves along
the workflow table, by someone it names, and every refused action leaves the database as
it was."""

import datetime as dt

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import delete, update

from app.models import Attachment, Package, PackageReturn, Recipient, Statement
from app.rules.enums import PackageStatus as S
from app.rules.workflow import TRANSITIONS, Relation
from app.services import attachments, meeting, return_package, statement, submit
from app.services import forms as service
from app.services.errors import FormError
from tests.services.test_dialogue import PDF, snapshot
from tests.services.test_filling import (
    actor,
    complete_estate_form,
    complete_report,
    estate_form,
    package_of,
)

USERS = ["bo", "kbh", "roskilde", "nord", "lbf"]
RELATION = {
    "bo": Relation.ORGANISATION,
    "kbh": Relation.HOME_MUNICIPALITY,
    "roskilde": Relation.LOCATION_MUNICIPALITY,
}
# the moves a use case may make by hand, each with the relations that may make it; a
# return is followed by the derived move to COMPLETE when nothing was changed
BY_HAND = {(s, t.target): t.fired_by for t in TRANSITIONS for s in t.sources}
DERIVED = {(S.IN_PROGRESS, S.COMPLETE), (S.COMPLETE, S.IN_PROGRESS), (S.READY, S.IN_PROGRESS)}
DERIVED |= {(S.READY, S.COMPLETE)}


def allowed_move(before: S, after: S, username: str, action: str) -> bool:
    if before == after:
        return True
    if action == "edit":
        return (before, after) in DERIVED
    relation = RELATION.get(username)
    if (before, after) in BY_HAND:
        return relation in BY_HAND[(before, after)]
    # a return lands in IN_PROGRESS, then derives to COMPLETE
    return (before, after) == (S.SUBMITTED, S.COMPLETE) and relation in BY_HAND[
        (S.SUBMITTED, S.IN_PROGRESS)
    ]


def _start_again(db, package_id):
    """Each run starts from the complete, unsent package (set up directly: this is the
    test's starting point, not a move under test)."""
    for model in (Statement, Recipient, PackageReturn, Attachment):
        db.session.execute(delete(model).where(model.package_id == package_id))
    db.session.execute(
        update(Package)
        .where(Package.id == package_id)
        .values(status=S.COMPLETE, submitted_at=None, meeting_date=None)
    )
    db.session.commit()
    form = estate_form(db, package_of(db, 101), 1)
    answer = service.answers_of(form).get("maintenance_condition")
    if answer is None or answer.value != "satisfactory":
        version = answer.version if answer else 0
        service.save_answer(
            form.id, "maintenance_condition", "satisfactory", version, None, actor(db, "bo")
        )
    assert package_of(db, 101).status == S.COMPLETE


class Dialogue(RuleBasedStateMachine):
    def __init__(self, db, package_id):
        super().__init__()
        self.db = db
        self.package_id = package_id
        _start_again(db, package_id)

    def _try(self, username, action, call):
        before = snapshot(self.db, self.package_id)
        try:
            call(actor(self.db, username))
        except FormError:
            self.db.session.rollback()
            assert snapshot(self.db, self.package_id) == before, (username, action)
            return
        after = snapshot(self.db, self.package_id)
        assert allowed_move(before[0], after[0], username, action), (
            username,
            action,
            before[0],
            after[0],
        )

    # the moves along the happy path, by the one who may make them, come often enough for a
    # run to reach every state; the rules below try everyone at everything
    @rule()
    def organisation_sends(self):
        self.send("bo")

    @rule()
    def home_municipality_meets(self):
        self.hold_meeting("kbh", 0)

    @rule()
    def home_municipality_gives_its_statement(self):
        self.give_statement("kbh", PDF)

    @rule(username=st.sampled_from(USERS))
    def send(self, username):
        self._try(username, "submit", lambda who: submit.submit(self.package_id, who))

    @rule(username=st.sampled_from(USERS), reason=st.sampled_from(["", " ", "Ret afsnit II."]))
    def send_back(self, username, reason):
        self._try(
            username,
            "return",
            lambda who: return_package.return_package(self.package_id, who, reason),
        )

    @rule(username=st.sampled_from(USERS), days_ago=st.sampled_from([-3, 0, 400]))
    def hold_meeting(self, username, days_ago):
        day = dt.date.today() - dt.timedelta(days=days_ago)
        self._try(
            username,
            "meeting",
            lambda who: meeting.mark_meeting_held(self.package_id, who, day),
        )

    @rule(username=st.sampled_from(USERS), content=st.sampled_from([PDF, b"<html></html>"]))
    def give_statement(self, username, content):
        self._try(
            username,
            "statement",
            lambda who: statement.give_statement(self.package_id, who, "r.pdf", content),
        )

    @rule(username=st.sampled_from(USERS))
    def supplement(self, username):
        self._try(
            username,
            "supplement",
            lambda who: statement.give_supplementary_statement(self.package_id, who, "s.pdf", PDF),
        )

    @rule(username=st.sampled_from(USERS))
    def attach(self, username):
        self._try(
            username,
            "attach",
            lambda who: attachments.add_attachment(self.package_id, who, "b.pdf", PDF),
        )

    @rule(value=st.sampled_from([None, "satisfactory"]))
    def edit(self, value):
        form = estate_form(self.db, package_of(self.db, 101), 1)

        def change(who):
            answer = service.answers_of(form).get("maintenance_condition")
            version = answer.version if answer else 0
            service.save_answer(form.id, "maintenance_condition", value, version, None, who)

        self._try("bo", "edit", change)

    @invariant()
    def stored_statuses_agree(self):
        package = package_of(self.db, 101)
        if package.status.is_submitted:
            assert package.submitted_at is not None
            assert all(f.status.value == "DONE" for f in package.forms)


def test_random_actions_never_leave_the_workflow_table(world, db):
    package = package_of(db, 101)
    for form in package.forms:
        if form.estate_id is None:
            complete_report(db, form)
        else:
            complete_estate_form(db, form)
    package_id = package.id
    run_state_machine_as_test(
        lambda: Dialogue(db, package_id),
        settings=settings(
            max_examples=20,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
