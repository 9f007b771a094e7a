"""What a NemLog-in assertion must say before the platform lets the person in."""

from app.rules.nemlogin import CVR, FIRST_NAME, FULL_NAME, LOA, PROFESSIONAL_UUID, read_claims
from app.rules.violations import Violation


def attributes(**values):
    base = {LOA: ["Substantial"], CVR: ["30010108"], PROFESSIONAL_UUID: ["urn:uuid:1"]}
    base.update({name: [value] for name, value in values.items()})
    return base


def code(result) -> str:
    return result.code if isinstance(result, Violation) else "ok"


def test_the_level_may_be_given_as_its_uri():
    uri = "https://data.gov.dk/concept/core/nsis/loa/High"
    assert code(read_claims({**attributes(), LOA: [uri]}, None, "Substantial")) == "ok"


def test_high_is_required_when_configured_so():
    result = read_claims(attributes(), None, "High")
    assert code(result) == "loa_too_low"
    assert result.params_dict() == {"level": "Betydelig", "minimum": "Høj"}


def test_no_level_or_an_unknown_one_is_refused():
    assert code(read_claims({**attributes(), LOA: []}, None, "Substantial")) == "loa_missing"
    assert code(read_claims({**attributes(), LOA: ["Medium"]}, None, "Substantial")) == (
        "loa_missing"
    )


def test_a_cvr_number_that_is_not_eight_digits_is_refused():
    result = read_claims({**attributes(), CVR: ["DK30010108"]}, None, "Substantial")
    assert code(result) == "cvr_malformed"


def test_without_a_professional_uuid_the_name_id_names_the_person():
    claims = read_claims({**attributes(), PROFESSIONAL_UUID: []}, "urn:uuid:9", "Substantial")
    assert claims.username == "nemlogin:urn:uuid:9"
    empty = read_claims({**attributes(), PROFESSIONAL_UUID: []}, "", "Substantial")
    assert code(empty) == "no_identity"


def test_a_very_long_identity_still_fits_the_user_name():
    claims = read_claims(attributes(**{PROFESSIONAL_UUID: "x" * 200}), None, "Substantial")
    assert len(claims.username) <= 128
    assert claims.username.startswith("nemlogin:")


def test_the_full_name_is_split_when_first_and_last_are_missing():
    claims = read_claims(
        {**attributes(), FIRST_NAME: [], FULL_NAME: ["Anne Marie Holm"]}, None, "Substantial"
    )
    assert (claims.first_name, claims.last_name) == ("Anne Marie", "Holm")
