"""An independent LTI 1.1 consumer (Open edX flavoured): oauthlib-signed launches, and a Basic
Outcomes service that checks the OAuth signature and body hash before recording a result."""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import xml.etree.ElementTree as ET
from typing import Any
from urllib.parse import parse_qsl

import flask
import requests
from oauthlib.oauth1 import Client, RequestValidator, SignatureOnlyEndpoint
from oauthlib.oauth1.rfc5849 import SIGNATURE_TYPE_BODY

from tests.platform import ServerThread

NS = "http://www.imsglobal.org/services/ltiv1p1/xsd/imsoms_v1p0"
FORM = "application/x-www-form-urlencoded"
TIMEOUT = 10


class Consumer:
    """Signs LTI 1.1 basic launches as FUN MOOC's Open edX LTI consumer does."""

    def __init__(self, tool_base_url: str, key: str | None = None, secret: str | None = None):
        self.tool_base_url = tool_base_url.rstrip("/")
        self.key = key or f"fun-mooc-{secrets.token_hex(3)}"
        self.secret = secret or secrets.token_urlsafe(24)
        self.course = "course-v1:FUN-MOOC+CATALYST+2026_S1"

    @property
    def launch_url(self) -> str:
        """The tool's LTI 1.1 launch URL."""
        return f"{self.tool_base_url}/lti/launch11"

    def params(self, roles: str = "Student", user_id: str = "student-1", **extra: Any) -> dict:
        """The parameters of a basic launch (None values are dropped)."""
        block = "block-v1:FUN-MOOC+CATALYST+2026_S1+type@lti_consumer+block@m1"
        base = {
            "lti_message_type": "basic-lti-launch-request",
            "lti_version": "LTI-1p0",
            "resource_link_id": f"lms.fun-mooc.fr-{block}",
            "resource_link_title": "Module d'exemple",
            "context_id": self.course,
            "context_title": "Catalyseurs territoriaux",
            "context_label": "CATALYST",
            "user_id": user_id,
            "roles": roles,
            "launch_presentation_return_url": "",
            "launch_presentation_locale": "fr",
            "tool_consumer_info_product_family_code": "openedx",
            "custom_module": "module-exemple",
        }
        base.update(extra)
        return {k: v for k, v in base.items() if v is not None}

    def sign(
        self,
        params: dict,
        *,
        url: str | None = None,
        key: str | None = None,
        secret: str | None = None,
        timestamp: int | None = None,
        nonce: str | None = None,
    ) -> list[tuple[str, str]]:
        """The form fields of a signed launch (HMAC-SHA1 in the body, like Open edX)."""
        client = Client(
            key or self.key,
            client_secret=secret or self.secret,
            signature_type=SIGNATURE_TYPE_BODY,
            timestamp=str(timestamp) if timestamp is not None else None,
            nonce=nonce,
            callback_uri="about:blank",  # what LTI 1.1 consumers send
        )
        _uri, _headers, body = client.sign(
            url or self.launch_url, "POST", body=params, headers={"Content-Type": FORM}
        )
        return parse_qsl(body, keep_blank_values=True)

    def post(
        self, session: requests.Session, fields: list[tuple[str, str]], url: str | None = None,
        **kwargs: Any,
    ) -> requests.Response:  # fmt: skip
        """POST signed fields to the tool (no redirect followed)."""
        return session.post(url or self.launch_url, data=fields, allow_redirects=False,
                            timeout=TIMEOUT, **kwargs)  # fmt: skip

    def launch(
        self, session: requests.Session, roles: str = "Student", user_id: str = "student-1",
        url: str | None = None, **extra: Any,
    ) -> requests.Response:  # fmt: skip
        """Sign and POST a launch; the tool's answer."""
        return self.post(session, self.sign(self.params(roles, user_id, **extra), url=url), url)


class _Validator(RequestValidator):
    def __init__(self, key: str, secret: str) -> None:
        super().__init__()
        self.key, self.secret, self.seen = key, secret, set()

    enforce_ssl = False
    dummy_client = "dummy"
    allowed_signature_methods = ("HMAC-SHA1",)

    def check_client_key(self, client_key):
        return bool(client_key)

    def check_nonce(self, nonce):
        return bool(nonce)

    def validate_client_key(self, client_key, request):
        return client_key == self.key

    def get_client_secret(self, client_key, request):
        return self.secret if client_key == self.key else "dummy"

    def validate_timestamp_and_nonce(self, client_key, timestamp, nonce, request, **kwargs):
        if (client_key, nonce) in self.seen:
            return False
        self.seen.add((client_key, nonce))
        return True


def pox_response(major: str, ref: str, description: str = "") -> str:
    """An imsx_POXEnvelopeResponse for a replaceResultRequest."""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><imsx_POXEnvelopeResponse xmlns="{NS}">'
        "<imsx_POXHeader><imsx_POXResponseHeaderInfo><imsx_version>V1.0</imsx_version>"
        f"<imsx_messageIdentifier>{secrets.token_hex(8)}</imsx_messageIdentifier>"
        f"<imsx_statusInfo><imsx_codeMajor>{major}</imsx_codeMajor>"
        "<imsx_severity>status</imsx_severity>"
        f"<imsx_description>{description}</imsx_description>"
        f"<imsx_messageRefIdentifier>{ref}</imsx_messageRefIdentifier>"
        "<imsx_operationRefIdentifier>replaceResult</imsx_operationRefIdentifier>"
        "</imsx_statusInfo></imsx_POXResponseHeaderInfo></imsx_POXHeader>"
        "<imsx_POXBody><replaceResultResponse/></imsx_POXBody></imsx_POXEnvelopeResponse>"
    )


class OutcomesService:
    """The consumer's Basic Outcomes endpoint: verifies, parses and records results."""

    def __init__(self, key: str, secret: str) -> None:
        self.validator = _Validator(key, secret)
        self.results: dict[str, float] = {}
        self.received: list[dict[str, Any]] = []
        self.rejected: list[str] = []
        self.down = False  # answer 503 while True
        self.refused_while_down = 0
        # Cleared by hold(): requests wait for release() (a slow service, without sleeping).
        self.gate = threading.Event()
        self.gate.set()
        self.held = threading.Semaphore(0)  # released once per request that reached the gate
        self.code_major = "success"
        self._lock = threading.Lock()
        self._server = ServerThread(self._build())

    def __enter__(self) -> OutcomesService:
        self._server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
        self._server.stop()

    def hold(self) -> None:
        """Make the service hang on each request until release() (a timeout for the tool)."""
        self.gate.clear()

    def release(self) -> None:
        """Let held and later requests through."""
        self.gate.set()

    @property
    def url(self) -> str:
        """The lis_outcome_service_url to send in launches."""
        return f"{self._server.base_url}/outcomes"

    def _reject(self, why: str) -> flask.Response:
        self.rejected.append(why)
        return flask.Response(why, status=401)

    def _build(self) -> flask.Flask:
        app = flask.Flask("lti11-outcomes")
        endpoint = SignatureOnlyEndpoint(self.validator)

        @app.post("/outcomes")
        def outcomes():
            if not self.gate.is_set():
                self.held.release()
                self.gate.wait(TIMEOUT)
            if self.down:
                self.refused_while_down += 1
                return flask.Response("outcomes service down", status=503)
            raw = flask.request.get_data()
            if flask.request.content_type != "application/xml":
                return self._reject(f"content type {flask.request.content_type}")
            ok, req = endpoint.validate_request(
                flask.request.url, "POST", raw.decode(), dict(flask.request.headers)
            )
            if not ok or req is None:
                return self._reject("bad OAuth signature")
            body_hash = base64.b64encode(hashlib.sha1(raw).digest()).decode()  # noqa: S324
            if req.oauth_params.get("oauth_body_hash") != body_hash:
                return self._reject("oauth_body_hash does not match the body")
            root = ET.fromstring(raw)  # noqa: S314 - test server, our own tool's XML
            q = f"{{{NS}}}"
            ref = root.findtext(f".//{q}imsx_messageIdentifier") or ""
            record = root.find(f".//{q}replaceResultRequest/{q}resultRecord")
            assert record is not None, raw
            entry = {
                "sourcedid": record.findtext(f"{q}sourcedGUID/{q}sourcedId"),
                "score": float(record.findtext(f".//{q}resultScore/{q}textString") or "nan"),
                "text": record.findtext(f".//{q}resultScore/{q}textString"),
                "language": record.findtext(f".//{q}resultScore/{q}language"),
                "comment": record.findtext(f".//{q}result/{q}resultData/{q}text"),
                "message_id": ref,
            }
            with self._lock:
                self.received.append(entry)
                if self.code_major == "success":
                    self.results[entry["sourcedid"]] = entry["score"]
            body = pox_response(self.code_major, ref, f"{self.code_major}: test service")
            return flask.Response(body, content_type="application/xml")

        return app
