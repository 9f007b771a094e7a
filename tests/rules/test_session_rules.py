"""The session's idle timeout as a rule: worked out by hand."""

import pytest

from app.rules.sessions import idle_expired, idle_remaining


@pytest.mark.parametrize(
    ("last", "now", "expired", "remaining"),
    [
        (1000.0, 1000.0, False, 1800.0),
        (1000.0, 2799.0, False, 1.0),
        (1000.0, 2800.0, True, 0.0),
        (1000.0, 5000.0, True, 0.0),
        (None, 1000.0, True, 0.0),  # no record of activity: ended
        ("1000", 1000.0, True, 0.0),
    ],
)
def test_a_session_ends_after_its_idle_time(last, now, expired, remaining):
    assert idle_expired(last, now, 1800) is expired
    assert idle_remaining(last, now, 1800) == remaining
