"""NemLog-in (OIOSAML 3) as Flask-AppBuilder's SAML provider, set up from configuration:
the service provider's entity id, certificate and key from files, the identity provider
from its metadata (a file, or a URL read once at start-up)."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask_appbuilder.const import AUTH_SAML

from app.rules.nemlogin import LEVELS, LOA_CONTEXT

PROVIDER = "nemlogin"
PERSISTENT = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"
RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
POST = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
REDIRECT = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"


class SamlConfigurationError(RuntimeError):
    pass


def saml_enabled(app: Flask) -> bool:
    return app.config.get("AUTH_TYPE") == AUTH_SAML


def configure(app: Flask) -> None:
    """Fill SAML_PROVIDERS and SAML_CONFIG (Flask-AppBuilder's names) from the platform's
    SAML_* settings, unless they are given whole."""
    if not saml_enabled(app) or app.config.get("SAML_CONFIG"):
        return
    config = app.config
    minimum = config.get("SAML_LOA_MINIMUM", "Substantial")
    if minimum not in LEVELS[1:]:
        # NemLog-in's Low is never enough for the platform (the issue's rule: Substantial+)
        raise SamlConfigurationError(f"SAML_LOA_MINIMUM must be Substantial or High: {minimum!r}")
    base = config["PUBLIC_BASE_URL"].rstrip("/")
    idp = _idp_settings(config)
    config["SAML_PROVIDERS"] = [
        {"name": PROVIDER, "icon": "fa-id-card", "idp": idp, "attribute_mapping": {}}
    ]
    config["SAML_CONFIG"] = {
        "strict": True,
        "debug": False,
        "sp": {
            "entityId": config.get("SAML_SP_ENTITY_ID") or f"{base}/saml/metadata/",
            "assertionConsumerService": {"url": f"{base}/saml/acs/", "binding": POST},
            "singleLogoutService": {"url": f"{base}/saml/slo/", "binding": REDIRECT},
            "NameIDFormat": PERSISTENT,
            "x509cert": _read(config, "SAML_SP_CERT_FILE"),
            "privateKey": _read(config, "SAML_SP_KEY_FILE"),
        },
        "security": {
            # OIOSAML 3: signed requests, signed (and, by default, encrypted) assertions,
            # SHA-256, and the assurance level asked for as a minimum
            "authnRequestsSigned": True,
            "logoutRequestSigned": True,
            "logoutResponseSigned": True,
            "signMetadata": False,
            "wantMessagesSigned": False,
            "wantAssertionsSigned": True,
            "wantAssertionsEncrypted": bool(config.get("SAML_WANT_ASSERTIONS_ENCRYPTED", True)),
            "wantNameId": True,
            "wantAttributeStatement": True,
            "requestedAuthnContext": [LOA_CONTEXT + minimum],
            "requestedAuthnContextComparison": "minimum",
            "failOnAuthnContextMismatch": False,
            "signatureAlgorithm": RSA_SHA256,
            "digestAlgorithm": SHA256,
            "rejectDeprecatedAlgorithm": True,
        },
    }


def _read(config, name: str) -> str:
    path = config.get(name)
    if not path:
        raise SamlConfigurationError(f"{name} is not set")
    try:
        return Path(path).read_text()
    except OSError as error:
        raise SamlConfigurationError(f"{name}: {error}") from error


def _idp_settings(config) -> dict:
    from onelogin.saml2.idp_metadata_parser import OneLogin_Saml2_IdPMetadataParser as Parser

    path, url = config.get("SAML_IDP_METADATA_FILE"), config.get("SAML_IDP_METADATA_URL")
    if path:
        metadata = _read(config, "SAML_IDP_METADATA_FILE")
    elif url:
        metadata = Parser.get_metadata(url, timeout=10)
    else:
        raise SamlConfigurationError("SAML_IDP_METADATA_FILE or SAML_IDP_METADATA_URL is not set")
    settings = Parser.parse(metadata, entity_id=config.get("SAML_IDP_ENTITY_ID") or None)
    if "idp" not in settings or not settings["idp"].get("entityId"):
        raise SamlConfigurationError("the identity provider's metadata names no IdP")
    return settings["idp"]


# --- an answer from NemLog-in, checked by the SAML library ---------------------------------


class CheckedResponse:
    """What a valid response says: its attributes, NameID, session and the request it
    answers."""

    def __init__(self, response):
        self.attributes = response.get_attributes()
        self.name_id = response.get_nameid()
        self.session_index = response.get_session_index()
        self.in_response_to = response.get_in_response_to()


def check_response(settings: dict, request_data: dict) -> CheckedResponse:
    """The SAML library's verdict on a posted response (signature, issuer, audience, times,
    destination, decryption), as a refusal naming what failed."""
    from lxml.etree import LxmlError
    from onelogin.saml2.errors import OneLogin_Saml2_Error, OneLogin_Saml2_ValidationError
    from onelogin.saml2.response import OneLogin_Saml2_Response
    from onelogin.saml2.settings import OneLogin_Saml2_Settings

    from app.services.nemlogin import NOT_ACCEPTED, LoginRefused

    posted = request_data["post_data"].get("SAMLResponse")
    if not posted:
        raise LoginRefused(NOT_ACCEPTED, "no SAMLResponse posted")
    try:
        response = OneLogin_Saml2_Response(OneLogin_Saml2_Settings(settings), posted)
        response.is_valid(request_data, raise_exceptions=True)
    except OneLogin_Saml2_ValidationError as error:
        raise LoginRefused(_refusal_for(error.code), f"{error.code}: {error}") from error
    except (OneLogin_Saml2_Error, ValueError, TypeError, AttributeError, LxmlError) as error:
        # unreadable XML, a failed decryption and the like
        raise LoginRefused(NOT_ACCEPTED, f"{type(error).__name__}: {error}") from error
    return CheckedResponse(response)


def _refusal_for(code: int):
    from onelogin.saml2.errors import OneLogin_Saml2_ValidationError as E

    from app.services import nemlogin as n

    groups = {
        n.WRONG_AUDIENCE: {E.WRONG_AUDIENCE},
        n.WRONG_ISSUER: {E.WRONG_ISSUER, E.ISSUER_NOT_FOUND_IN_ASSERTION},
        n.EXPIRED: {E.ASSERTION_EXPIRED, E.RESPONSE_EXPIRED, E.SESSION_EXPIRED},
        n.NOT_YET_VALID: {E.ASSERTION_TOO_EARLY},
        n.BAD_SIGNATURE: {
            E.NO_SIGNED_MESSAGE,
            E.NO_SIGNED_ASSERTION,
            E.NO_SIGNATURE_FOUND,
            E.INVALID_SIGNATURE,
            E.WRONG_NUMBER_OF_SIGNATURES,
            E.WRONG_NUMBER_OF_SIGNATURES_IN_RESPONSE,
            E.WRONG_NUMBER_OF_SIGNATURES_IN_ASSERTION,
            E.WRONG_SIGNED_ELEMENT,
            E.INVALID_SIGNED_ELEMENT,
            E.UNEXPECTED_SIGNED_ELEMENTS,
            E.ID_NOT_FOUND_IN_SIGNED_ELEMENT,
            E.DUPLICATED_ID_IN_SIGNED_ELEMENTS,
            E.DUPLICATED_REFERENCE_IN_SIGNED_ELEMENTS,
        },
    }
    for violation, codes in groups.items():
        if code in codes:
            return violation
    return n.NOT_ACCEPTED
