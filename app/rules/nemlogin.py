"""What a login through NemLog-in (MitID Erhverv, OIOSAML 3) must carry before the platform
lets the person in: the assurance level, the CVR number of the body they act for and a
lasting identity. Plain values in, claims or the reason for a refusal out.

The SAML library has already checked the response itself (signature, issuer, audience,
times, destination); these rules judge what the assertion says."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from hashlib import sha256

from app.rules.cvr import is_cvr
from app.rules.enums import N_
from app.rules.violations import Violation

# OIOSAML 3 attribute names (the NSIS assurance level and the professional identity)
LOA = "https://data.gov.dk/concept/core/nsis/loa"
CVR = "https://data.gov.dk/model/core/eid/professional/cvr"
PROFESSIONAL_UUID = "https://data.gov.dk/model/core/eid/professional/uuid/persistent"
EMAIL = "https://data.gov.dk/model/core/eid/email"
FIRST_NAME = "https://data.gov.dk/model/core/eid/firstName"
LAST_NAME = "https://data.gov.dk/model/core/eid/lastName"
FULL_NAME = "https://data.gov.dk/model/core/eid/fullName"
ORGANISATION_NAME = "https://data.gov.dk/model/core/eid/professional/orgName"

# the NSIS assurance levels, lowest first, with their Danish names
LEVELS = ("Low", "Substantial", "High")
LEVEL_LABELS = {"Low": N_("Lav"), "Substantial": N_("Betydelig"), "High": N_("Høj")}
# the authentication context NemLog-in is asked for: at least this level
LOA_CONTEXT = "https://data.gov.dk/concept/core/nsis/loa/"

PREFIX = "nemlogin:"


@dataclass(frozen=True)
class Claims:
    """The person as the assertion names them."""

    subject: str  # the lasting professional identity (persistent UUID, else the NameID)
    cvr: str
    loa: str
    first_name: str
    last_name: str
    email: str

    @property
    def username(self) -> str:
        """The platform's user name for the identity: stable across logins, within the
        user name's 128 characters."""
        name = PREFIX + self.subject
        if len(name) <= 128:
            return name
        return PREFIX + sha256(self.subject.encode("utf-8")).hexdigest()


def _first(attributes: Mapping[str, Sequence[str]], name: str) -> str:
    values = attributes.get(name) or []
    return str(values[0]).strip() if values and values[0] is not None else ""


def level_of(value: str) -> str | None:
    """`Substantial`, or the same as a URI ending in it; None for what is no NSIS level."""
    level = value.rstrip("/").rsplit("/", 1)[-1]
    return level if level in LEVELS else None


def read_claims(
    attributes: Mapping[str, Sequence[str]], name_id: str | None, minimum_level: str
) -> Claims | Violation:
    """The claims of a checked assertion, or why the login is refused: the assurance level
    below `minimum_level` (or none), no CVR number or no identity."""
    loa = level_of(_first(attributes, LOA))
    if loa is None:
        return Violation("loa_missing", N_("Login afvist: loginet oplyser intet sikringsniveau."))
    if LEVELS.index(loa) < LEVELS.index(minimum_level):
        return Violation(
            "loa_too_low",
            N_(
                "Login afvist: loginet har sikringsniveau %(level)s, og platformen kræver "
                "mindst %(minimum)s."
            ),
            "loa",
            (("level", LEVEL_LABELS[loa]), ("minimum", LEVEL_LABELS[minimum_level])),
        )
    cvr = _first(attributes, CVR)
    if not cvr:
        return Violation(
            "cvr_missing",
            N_(
                "Login afvist: loginet oplyser intet CVR-nummer. Log ind med MitID Erhverv "
                "for din organisation eller kommune."
            ),
            "cvr",
        )
    if not is_cvr(cvr):
        return Violation(
            "cvr_malformed",
            N_("Login afvist: loginets CVR-nummer %(cvr)s er ikke 8 cifre."),
            "cvr",
            (("cvr", cvr[:20]),),
        )
    subject = _first(attributes, PROFESSIONAL_UUID) or (name_id or "").strip()
    if not subject:
        return Violation("no_identity", N_("Login afvist: loginet oplyser ikke, hvem brugeren er."))
    first, last = _first(attributes, FIRST_NAME), _first(attributes, LAST_NAME)
    if not (first or last):
        first, _, last = _first(attributes, FULL_NAME).rpartition(" ")
    return Claims(
        subject=subject,
        cvr=cvr,
        loa=loa,
        first_name=first[:64],
        last_name=last[:64],
        email=_first(attributes, EMAIL)[:320],
    )
