"""A gate's answer: every reason at once, each pointing at the field it concerns."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Violation:
    code: str
    message: str  # a catalogue message id, translated by the caller
    field: str | None = None
    params: tuple[tuple[str, object], ...] = ()

    def params_dict(self) -> dict[str, object]:
        return dict(self.params)
