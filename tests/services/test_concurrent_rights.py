"""Rights changed at the same moment, on PostgreSQL with two real clients (each a thread with
its own app context, session and connection): a grant is judged on the rights its granter
holds when it is written, never on a reading another client has since made untrue.

The first client is held for a moment just after it has read the rights it judges by; the
second acts in that moment. Without the row locks the second client's change would slip in
between the first client's reading and its writing."""

import threading

import pytest
from sqlalchemy import select

from app.models import Invitation
from app.rules.enums import Right
from app.services import invitations
from app.services import rights as service
from app.services.transitions import Refused
from tests.clients import act_as
from tests.conftest import requires_postgresql
from tests.services.test_rights_and_invitations import (
    PASSWORD,
    invite,
    new_user,
    organisation_id,
    rights_of,
    token_of,
    user,
)

pytestmark = pytest.mark.postgres

R, F, S, A = Right.READ, Right.FILL_AND_SEND, Right.STATISTICS, Right.LOCAL_ADMIN
# how long the first client waits, after its reading, for the second to be done
HOLD_SECONDS = 2


@pytest.fixture
def pg_world(world, db):
    requires_postgresql(db, "rights changed at once")
    return world


def _interleaved(app, monkeypatch, pause_after: str, first, second):
    """Run `first` and `second` ((username, function(actor)) each) in their own clients. The
    first stops just after its first call of `pause_after` ("module.function") until the
    second is done, or HOLD_SECONDS have passed; the second starts once the first stops.
    Returns both results (or exceptions) and the order in which they finished."""
    module_name, name = pause_after.rsplit(".", 1)
    module = __import__(module_name, fromlist=[name])
    original = getattr(module, name)
    paused, second_done = threading.Event(), threading.Event()
    first_thread: list[threading.Thread] = []

    def pausing(*args, **kwargs):
        result = original(*args, **kwargs)
        if threading.current_thread() is first_thread[0] and not paused.is_set():
            paused.set()
            second_done.wait(HOLD_SECONDS)
        return result

    monkeypatch.setattr(module, name, pausing)
    results, finished = [None, None], []

    def work(index, username, action, wait=lambda: None):
        try:
            results[index] = act_as(app, username, action, wait)
        finally:
            finished.append(index)
            if index == 1:
                second_done.set()

    threads = [
        threading.Thread(target=work, args=(0, *first)),
        threading.Thread(target=work, args=(1, *second, lambda: paused.wait(30))),
    ]
    first_thread.append(threads[0])
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert paused.is_set(), f"the first client never called {pause_after}"
    return results, finished


def test_two_local_administrators_withdrawing_each_others_administration_leave_one(
    app, db, pg_world, monkeypatch
):
    """bo and a second local administrator of 101 each take the other's administration at
    the same moment: one succeeds, the other is then no administrator and is refused; the
    organisation keeps one local administrator."""
    colleague = new_user(db, "bo2", 101, rights=(R, F, A))
    bo = user(db, "bo")
    bo_rights = sorted(r.value for r in bo.right_set - {A})
    (first, second), finished = _interleaved(
        app,
        monkeypatch,
        "app.services.rights.granter_of",
        ("bo", lambda who: service.set_rights(who, colleague.id, ["READ", "FILL_AND_SEND"], [])),
        ("bo2", lambda who: service.set_rights(who, bo.id, bo_rights, [])),
    )
    assert not isinstance(first, Exception), first
    assert isinstance(second, Refused), second
    assert [v.code for v in second.violations] == ["not_local_admin"]
    assert finished == [0, 1]
    assert A in rights_of(db, "bo")
    assert rights_of(db, "bo2") == {R, F}


def test_an_invitation_taken_while_its_inviter_loses_the_right_gives_it_only_if_taken_first(
    app, db, pg_world, monkeypatch
):
    """Ida takes adm's invitation (read, fill and send, for 751) while LBF withdraws adm's
    fill-and-send: either she took it before the withdrawal was written, or she is refused;
    never an invitation taken on a right its inviter had already lost."""
    token = token_of(invite(db))
    invitation_id = db.session.scalar(select(Invitation.id))
    adm = user(db, "adm")
    db.session.rollback()
    (taken, withdrawn), finished = _interleaved(
        app,
        monkeypatch,
        "app.services.invitations.holder_of",
        ("adm", lambda who: invitations.accept(token, "ida", PASSWORD, PASSWORD)),
        ("lbf", lambda who: service.set_rights(who, adm.id, ["READ", "LOCAL_ADMIN"], [])),
    )
    assert not isinstance(withdrawn, Exception), withdrawn
    assert rights_of(db, "adm") == {R, A}
    db.session.expire_all()
    accepted = db.session.get(Invitation, invitation_id).accepted_at is not None
    if isinstance(taken, Exception):
        assert [v.code for v in taken.violations] == ["invitation_void"]
        assert not accepted and user(db, "ida") is None
    else:
        # taken first: the withdrawal waited for it
        assert finished == [0, 1]
        assert accepted and rights_of(db, "ida") == {R, F}
        assert user(db, "ida").acts_for_ids == {organisation_id(db, 751)}


def test_two_invited_people_choosing_one_user_name_at_once_get_one_account_and_a_reason(
    app, db, pg_world, monkeypatch
):
    """Ida and Ib take their invitations at the same moment, both choosing the user name
    "ida": Ida gets the account; Ib is told the name is taken, and her invitation stays
    open for another name."""
    ida_token = token_of(invite(db))
    ib_invitation = invite(db, email="ib.ny@example.dk")
    ib_token, ib_id = token_of(ib_invitation), ib_invitation.id
    db.session.rollback()
    (ida, ib), _finished = _interleaved(
        app,
        monkeypatch,
        "app.services.invitations._still_grantable",
        ("adm", lambda who: invitations.accept(ida_token, "ida", PASSWORD, PASSWORD)),
        ("adm", lambda who: invitations.accept(ib_token, "ida", PASSWORD, PASSWORD)),
    )
    assert not isinstance(ida, Exception), ida
    assert isinstance(ib, Refused), ib
    assert [v.code for v in ib.violations] == ["username_taken"]
    assert user(db, "ida").email == "ida.ny@example.dk"
    db.session.expire_all()
    assert db.session.get(Invitation, ib_id).is_open
    invitations.accept(ib_token, "ib", PASSWORD, PASSWORD)
    assert rights_of(db, "ib") == {R, F}
