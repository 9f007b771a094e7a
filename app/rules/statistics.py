"""The statistics reports (user guide 8): which reports there are, how they are shown, the
five dialogue years of history, and the municipality's risk list drawn from the yellow and red
marks. The years are dialogue years (the year of the package), not accounting years."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from app.rules.enums import N_, Flag, LabelledEnum

HISTORY_YEARS = 5


class ReportType(LabelledEnum):
    KEY_FIGURES = "KEY_FIGURES"
    ESTATES = "ESTATES"
    CRITICAL = "CRITICAL"
    STATUS = "STATUS"

    @classmethod
    def _labels(cls):
        return {
            cls.KEY_FIGURES: N_("Nøgletal (5 års historik)"),
            cls.ESTATES: N_("Afdelingsrapport"),
            cls.CRITICAL: N_("Kritiske nøgletal (risikoliste)"),
            cls.STATUS: N_("Status for styringsdialogen"),
        }

    @property
    def displays(self) -> tuple[Display, ...]:
        """How the report can be shown: the estate report also folded by organisation, the
        key figures' history also as charts."""
        return _DISPLAYS[self]


class Display(LabelledEnum):
    TABLE = "TABLE"
    TREE = "TREE"
    CHART = "CHART"

    @classmethod
    def _labels(cls):
        return {
            cls.TABLE: N_("Tabel"),
            cls.TREE: N_("Træ (sammenfoldet pr. boligorganisation)"),
            cls.CHART: N_("Diagram"),
        }


_DISPLAYS = {
    ReportType.KEY_FIGURES: (Display.TABLE, Display.CHART),
    ReportType.ESTATES: (Display.TABLE, Display.TREE),
    ReportType.CRITICAL: (Display.TABLE,),
    ReportType.STATUS: (Display.TABLE,),
}

# the words a mark is told by where colour cannot be seen (Excel printed in black and white)
MARK_WORDS = {Flag.NONE: "", Flag.YELLOW: N_("Gul"), Flag.RED: N_("Rød")}


def history_years(newest: int, count: int = HISTORY_YEARS) -> list[int]:
    """The dialogue years of a report with history, oldest first."""
    return list(range(newest - count + 1, newest + 1))


@dataclass(frozen=True)
class Mark:
    """One yellow or red key figure of a subject in a year."""

    subject: tuple  # (organisation number, estate number or None)
    year: int
    key: str
    flag: Flag


@dataclass
class Risk:
    """A subject's yellow and red marks over the years of the risk list."""

    subject: tuple
    red: dict[int, int] = field(default_factory=dict)
    yellow: dict[int, int] = field(default_factory=dict)
    keys: dict[str, Flag] = field(default_factory=dict)  # the newest year's marked figures

    def count(self, flag: Flag, year: int) -> int:
        return (self.red if flag == Flag.RED else self.yellow).get(year, 0)

    @property
    def total_red(self) -> int:
        return sum(self.red.values())

    @property
    def total_yellow(self) -> int:
        return sum(self.yellow.values())


def risk_list(marks: Iterable[Mark], newest: int) -> list[Risk]:
    """Every subject with a yellow or red mark in the years given, the most critical first:
    by red marks in the newest year, then yellow marks in the newest year, then red and then
    yellow marks over all the years; subjects alike keep their number order."""
    risks: dict[tuple, Risk] = {}
    for mark in marks:
        if mark.flag not in (Flag.YELLOW, Flag.RED):
            continue
        risk = risks.setdefault(mark.subject, Risk(mark.subject))
        counts = risk.red if mark.flag == Flag.RED else risk.yellow
        counts[mark.year] = counts.get(mark.year, 0) + 1
        if mark.year == newest:
            risk.keys[mark.key] = mark.flag
    return sorted(
        risks.values(),
        key=lambda r: (
            -r.count(Flag.RED, newest),
            -r.count(Flag.YELLOW, newest),
            -r.total_red,
            -r.total_yellow,
            r.subject[0],
            -1 if r.subject[1] is None else r.subject[1],
        ),
    )
