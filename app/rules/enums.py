"""The domain's enumerations, each value with its Danish label beside it.

Labels are message ids: `N_` only marks them for the catalogue; the views translate them.
"""

from enum import StrEnum


def N_(message: str) -> str:
    """Mark a string for the translation catalogue without translating it here."""
    return message


class LabelledEnum(StrEnum):
    """A string enum whose members carry a label (a catalogue message id)."""

    @property
    def label(self) -> str:
        return self._labels()[self]

    @classmethod
    def _labels(cls) -> dict:
        raise NotImplementedError

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(member.value, member.label) for member in cls]


class OrganisationKind(LabelledEnum):
    HOUSING = "HOUSING"
    ADMINISTRATION = "ADMINISTRATION"

    @classmethod
    def _labels(cls):
        return {
            cls.HOUSING: N_("Boligorganisation"),
            cls.ADMINISTRATION: N_("Administrationsorganisation"),
        }


class EstateState(LabelledEnum):
    IN_OPERATION = "IN_OPERATION"
    UNDER_CONSTRUCTION = "UNDER_CONSTRUCTION"
    CLOSED = "CLOSED"

    @classmethod
    def _labels(cls):
        return {
            cls.IN_OPERATION: N_("I drift"),
            cls.UNDER_CONSTRUCTION: N_("Under opførelse"),
            cls.CLOSED: N_("Nedlagt"),
        }


class PackageStatus(LabelledEnum):
    READY = "READY"
    IN_PROGRESS = "IN_PROGRESS"
    COMPLETE = "COMPLETE"
    SUBMITTED = "SUBMITTED"
    MEETING_HELD = "MEETING_HELD"
    STATEMENT_GIVEN = "STATEMENT_GIVEN"

    @classmethod
    def _labels(cls):
        return {
            cls.READY: N_("Klar til udarbejdelse"),
            cls.IN_PROGRESS: N_("Under udarbejdelse"),
            cls.COMPLETE: N_("Helt udfyldt"),
            cls.SUBMITTED: N_("Fremsendt"),
            cls.MEETING_HELD: N_("Møde afholdt"),
            cls.STATEMENT_GIVEN: N_("Redegørelse afgivet"),
        }

    @property
    def is_submitted(self) -> bool:
        """Submitted or later: the content is with the municipalities and no longer editable."""
        return self in SUBMITTED_OR_LATER


SUBMITTED_OR_LATER = frozenset(
    {PackageStatus.SUBMITTED, PackageStatus.MEETING_HELD, PackageStatus.STATEMENT_GIVEN}
)


class FormKind(LabelledEnum):
    HOUSING_REPORT = "HOUSING_REPORT"
    ADMIN_REPORT = "ADMIN_REPORT"
    ESTATE_FORM = "ESTATE_FORM"

    @classmethod
    def _labels(cls):
        return {
            cls.HOUSING_REPORT: N_("Styringsrapport"),
            cls.ADMIN_REPORT: N_("Styringsrapport for administrationsorganisation"),
            cls.ESTATE_FORM: N_("Afdelingsskema"),
        }


class FormStatus(LabelledEnum):
    NOT_STARTED = "NOT_STARTED"
    IN_PROGRESS = "IN_PROGRESS"
    DONE = "DONE"

    @classmethod
    def _labels(cls):
        return {
            cls.NOT_STARTED: N_("Klar til udfyldelse"),
            cls.IN_PROGRESS: N_("Under udfyldelse"),
            cls.DONE: N_("Udfyldt"),
        }


class Flag(LabelledEnum):
    NONE = "NONE"
    YELLOW = "YELLOW"
    RED = "RED"

    @classmethod
    def _labels(cls):
        return {
            cls.NONE: N_("Ikke kritisk"),
            cls.YELLOW: N_("Gul: kritisk værdi"),
            cls.RED: N_("Rød: meget kritisk værdi"),
        }


class DwellingType(LabelledEnum):
    FAMILY = "FAMILY"
    ELDERLY = "ELDERLY"
    YOUTH = "YOUTH"

    @classmethod
    def _labels(cls):
        return {
            cls.FAMILY: N_("Familieboliger"),
            cls.ELDERLY: N_("Ældreboliger"),
            cls.YOUTH: N_("Ungdomsboliger"),
        }


class Role(LabelledEnum):
    """The platform's roles; the value is the FAB role name."""

    LBF = "LBF"
    HOUSING = "Boligorganisation"
    ADMINISTRATION = "Administrationsorganisation"
    MUNICIPALITY = "Kommune"
    PUBLIC = "Public"

    @classmethod
    def _labels(cls):
        return {
            cls.LBF: N_("Landsbyggefonden"),
            cls.HOUSING: N_("Boligorganisation"),
            cls.ADMINISTRATION: N_("Administrationsorganisation"),
            cls.MUNICIPALITY: N_("Kommune"),
            cls.PUBLIC: N_("Offentlig adgang"),
        }


class Right(LabelledEnum):
    """What a user of an organisation or a municipality may do; granted by its local
    administrator (LBF appoints the first). A user holds none until granted."""

    READ = "READ"
    FILL_AND_SEND = "FILL_AND_SEND"
    PROCESS = "PROCESS"
    STATISTICS = "STATISTICS"
    LOCAL_ADMIN = "LOCAL_ADMIN"
    # for a user of an administering organisation: every organisation it administers, also
    # those that come under it later
    ALL_ADMINISTERED = "ALL_ADMINISTERED"

    @classmethod
    def _labels(cls):
        return {
            cls.READ: N_("Læse dokumentationspakker"),
            cls.FILL_AND_SEND: N_("Udfylde og fremsende dokumentationspakker"),
            cls.PROCESS: N_("Behandle dokumentationspakker (frister, retur, møde, redegørelse)"),
            cls.STATISTICS: N_("Se statistik"),
            cls.LOCAL_ADMIN: N_("Lokal administrator (give rettigheder og invitere kolleger)"),
            cls.ALL_ADMINISTERED: N_(
                "Handle for alle administrerede organisationer, også dem, der kommer til"
            ),
        }


class ImportStatus(LabelledEnum):
    """A register import's course: queued, running, then imported, unchanged (the same values
    again) or refused (the file had problems: nothing was imported)."""

    QUEUED = "QUEUED"
    RUNNING = "RUNNING"
    IMPORTED = "IMPORTED"
    UNCHANGED = "UNCHANGED"
    REFUSED = "REFUSED"
    FAILED = "FAILED"

    @classmethod
    def _labels(cls):
        return {
            cls.QUEUED: N_("I kø"),
            cls.RUNNING: N_("Indlæses"),
            cls.IMPORTED: N_("Indlæst"),
            cls.UNCHANGED: N_("Indlæst, uden ændringer"),
            cls.REFUSED: N_("Afvist: intet er indlæst"),
            cls.FAILED: N_("Fejlet: intet er indlæst"),
        }

    @property
    def is_finished(self) -> bool:
        return self not in (ImportStatus.QUEUED, ImportStatus.RUNNING)


class GuideAudience(LabelledEnum):
    """Who a guidance document LBF publishes under the Vejledning tab is for."""

    ALL = "ALL"
    ORGANISATIONS = "ORGANISATIONS"
    MUNICIPALITIES = "MUNICIPALITIES"

    @classmethod
    def _labels(cls):
        return {
            cls.ALL: N_("Alle"),
            cls.ORGANISATIONS: N_("Bolig- og administrationsorganisationer"),
            cls.MUNICIPALITIES: N_("Kommuner"),
        }


class PrintStatus(LabelledEnum):
    """A package PDF's course: queued, being built, then ready to download, or failed."""

    QUEUED = "QUEUED"
    RUNNING = "RUNNING"
    DONE = "DONE"
    FAILED = "FAILED"

    @classmethod
    def _labels(cls):
        return {
            cls.QUEUED: N_("I kø"),
            cls.RUNNING: N_("Dannes"),
            cls.DONE: N_("Klar til hentning"),
            cls.FAILED: N_("Fejlet: prøv igen"),
        }

    @property
    def is_finished(self) -> bool:
        return self in (PrintStatus.DONE, PrintStatus.FAILED)
