"""The session's idle timeout: plain numbers (seconds since the epoch) only."""


def idle_expired(last_active: float | None, now: float, idle_seconds: float) -> bool:
    """A session is over once it has been idle for `idle_seconds`; one without a record of
    activity (issued before the rule, or tampered with) is over as well."""
    if not isinstance(last_active, int | float):
        return True
    return now - last_active >= idle_seconds


def idle_remaining(last_active: float | None, now: float, idle_seconds: float) -> float:
    """Seconds left before the session ends if nothing is done (0 once it has ended)."""
    if idle_expired(last_active, now, idle_seconds):
        return 0.0
    return max(0.0, idle_seconds - (now - last_active))
