"""A local NemLog-in for the tests: a SAML identity provider played by pysaml2, with its own
keys and metadata, that answers the platform's authentication requests with OIOSAML 3
assertions (signed with RSA-SHA256, encrypted to the platform's certificate) or with the
flawed answers the platform must refuse. Nothing leaves the test process."""

from __future__ import annotations

import base64
import datetime as dt
import urllib.parse
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from saml2 import BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.metadata import entity_descriptor
from saml2.saml import NAMEID_FORMAT_PERSISTENT, NameID
from saml2.server import Server
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

IDP_ENTITY_ID = "https://idp.nemlog-in.test/"
SSO_URL = "https://idp.nemlog-in.test/sso"
SLO_URL = "https://idp.nemlog-in.test/slo"
SP_ENTITY_ID = "http://localhost/saml/metadata/"
OTHER_SP = "https://andet-system.example/"
ACS_URL = "http://localhost/saml/acs/"
SLO_SP_URL = "http://localhost/saml/slo/"
XMLSEC = "/usr/bin/xmlsec1"

LOA = "https://data.gov.dk/concept/core/nsis/loa"
CVR = "https://data.gov.dk/model/core/eid/professional/cvr"
UUID = "https://data.gov.dk/model/core/eid/professional/uuid/persistent"
FIRST_NAME = "https://data.gov.dk/model/core/eid/firstName"
LAST_NAME = "https://data.gov.dk/model/core/eid/lastName"
EMAIL = "https://data.gov.dk/model/core/eid/email"


def make_key_pair(folder: Path, name: str) -> None:
    """`name`.key and `name`.crt: an RSA key and a self-signed certificate for it."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    (folder / f"{name}.key").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    (folder / f"{name}.crt").write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def _config(folder: Path, key: str, entity_id: str, sp_metadata: list[str]) -> IdPConfig:
    settings = {
        "entityid": entity_id,
        "xmlsec_binary": XMLSEC,
        "key_file": str(folder / f"{key}.key"),
        "cert_file": str(folder / f"{key}.crt"),
        "service": {
            "idp": {
                "endpoints": {
                    "single_sign_on_service": [(SSO_URL, BINDING_HTTP_REDIRECT)],
                    "single_logout_service": [(SLO_URL, BINDING_HTTP_REDIRECT)],
                },
                "policy": {"default": {"lifetime": {"minutes": 5}}},
                "name_id_format": [NAMEID_FORMAT_PERSISTENT],
            }
        },
    }
    if sp_metadata:
        settings["metadata"] = {"inline": sp_metadata}
    config = IdPConfig()
    config.load(settings)
    return config


def idp_metadata(folder: Path) -> str:
    """The identity provider's metadata, as NemLog-in publishes its own."""
    return str(entity_descriptor(_config(folder, "idp", IDP_ENTITY_ID, [])))


def identity(cvr="30010108", loa="Substantial", subject="urn:uuid:0001", **more) -> dict:
    """OIOSAML 3 attributes of a MitID Erhverv login; None leaves an attribute out."""
    values = {
        LOA: loa,
        CVR: cvr,
        UUID: subject,
        FIRST_NAME: more.pop("first_name", "Mette"),
        LAST_NAME: more.pop("last_name", "Jensen"),
        EMAIL: more.pop("email", f"{subject.rsplit(':', 1)[-1]}@mitid.test"),
    }
    return {name: [value] for name, value in values.items() if value is not None}


class LocalIdP:
    """One identity provider: `key` signs, `entity_id` is the issuer it names."""

    def __init__(self, folder: Path, sp_metadata: str, key="idp", entity_id=IDP_ENTITY_ID):
        self.folder = folder
        # the platform, and another service provider it knows (for answers meant for that one)
        other = sp_metadata.replace(f'entityID="{SP_ENTITY_ID}"', f'entityID="{OTHER_SP}"')
        self.server = Server(config=_config(folder, key, entity_id, [sp_metadata, other]))
        sp_cert = (folder / "sp.crt").read_text().splitlines()
        self.sp_cert = "".join(line for line in sp_cert if "CERTIFICATE" not in line)

    def request_from(self, client, next_url: str | None = None):
        """The browser is sent here by the platform's login: the request it carries."""
        path = "/login/nemlogin" + (f"?next={urllib.parse.quote(next_url)}" if next_url else "")
        answer = client.get(path)
        assert answer.status_code == 302, answer.status_code
        assert answer.location.startswith(SSO_URL + "?")
        query = urllib.parse.parse_qs(urllib.parse.urlparse(answer.location).query)
        request = self.server.parse_authn_request(query["SAMLRequest"][0], BINDING_HTTP_REDIRECT)
        request.query = query
        return request

    def response(
        self,
        request_id: str,
        attributes: dict,
        *,
        audience: str = SP_ENTITY_ID,
        sign: bool = True,
        encrypt: bool = True,
    ) -> str:
        """The answer NemLog-in posts back, base64 as in the form."""
        subject = attributes.get(UUID, ["urn:uuid:0001"])[0]
        xml = self.server.create_authn_response(
            attributes,
            in_response_to=request_id,
            destination=ACS_URL,
            sp_entity_id=audience,
            name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=subject),
            authn={"class_ref": f"{LOA}/{attributes.get(LOA, ['Low'])[0]}"},
            sign_assertion=sign,
            sign_response=False,
            encrypt_assertion=encrypt,
            encrypt_assertion_self_contained=False,
            encrypt_cert_assertion=self.sp_cert if encrypt else None,
            sign_alg=SIG_RSA_SHA256,
            digest_alg=DIGEST_SHA256,
        )
        return base64.b64encode(str(xml).encode("utf-8")).decode("ascii")

    def logout_request_url(self, name_id: str, sign: bool = True) -> str:
        """A logout NemLog-in asks the platform for (HTTP-Redirect), as a path to GET."""
        _id, request = self.server.create_logout_request(
            SLO_SP_URL,
            SP_ENTITY_ID,
            name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=name_id),
            session_indexes=None,
            sign=False,
        )
        binding = self.server.apply_binding(
            BINDING_HTTP_REDIRECT,
            str(request),
            SLO_SP_URL,
            sign=sign,
            sigalg=SIG_RSA_SHA256 if sign else None,
        )
        url = dict(binding["headers"])["Location"]
        return url.removeprefix("http://localhost")
