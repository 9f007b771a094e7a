"""The same person's first MitID Erhverv login in two tabs at once, on PostgreSQL with two
real clients: one user is made, and both logins get it; neither is refused."""

import pytest
from sqlalchemy import func, select

from app.extensions import db as _db
from app.models import AppUser
from app.rules.nemlogin import Claims
from app.services import nemlogin
from tests.conftest import requires_postgresql
from tests.services.test_concurrent_rights import _interleaved

pytestmark = pytest.mark.postgres

CLAIMS = Claims(
    subject="urn:uuid:two-tabs",
    cvr="30010108",  # 101's
    loa="Substantial",
    first_name="Tove",
    last_name="Tofane",
    email="tove@example.dk",
)


def _first_login(_who):
    user, created = nemlogin.sign_in(CLAIMS)
    _db.session.commit()
    return user.id, created


def test_two_first_logins_of_one_person_at_once_make_one_user_and_both_get_in(
    app, db, world, monkeypatch
):
    """The first tab stops after it found no user and before it makes one; the second makes
    the user meanwhile. The first then takes that user instead of being refused."""
    requires_postgresql(db, "two first logins at once")
    (first, second), _finished = _interleaved(
        app,
        monkeypatch,
        "app.services.nemlogin._free_email",
        ("bo", _first_login),
        ("bo", _first_login),
    )
    assert not isinstance(second, Exception), second
    assert not isinstance(first, Exception), first
    assert second[1] is True and first == (second[0], False)
    made = db.session.scalar(
        select(func.count(AppUser.id)).where(AppUser.username == CLAIMS.username)
    )
    assert made == 1
