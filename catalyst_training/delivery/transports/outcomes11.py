"""LTI 1.1 Basic Outcomes client: signed POX replaceResultRequest for outbox deliveries."""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

from requests_oauthlib import OAuth1
from sqlalchemy import select

from ...core import outbound
from ...extensions import db
from ...lti.lti11.models import Lti11Outcome, SecretError, consumer_secret
from ...lti.models import Platform
from ..models import GradeDelivery
from .base import THROTTLED, DeliveryError, retry_after, timeout

if TYPE_CHECKING:
    from ..outbox import Job

NS = "http://www.imsglobal.org/services/ltiv1p1/xsd/imsoms_v1p0"
CONTENT_TYPE = "application/xml"
PERMANENT = {400, 401, 403, 404, 405, 410, 415, 422}
ACCEPTED = {"success", "processing"}
MAX_ANSWER = 1_000_000
COMMENT_MAX = 4000  # feedback longer than a gradebook cell is cut


def normalised(score_given: float, score_maximum: float | None) -> float:
    """A score as the 0.0-1.0 fraction Basic Outcomes expects (clamped)."""
    maximum = score_maximum or 100.0
    return min(1.0, max(0.0, float(score_given) / maximum)) if maximum > 0 else 0.0


def score_text(value: float) -> str:
    """A decimal string for resultScore/textString: '0.5', '1.0', '0.3333'."""
    text = f"{value:.4f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def replace_result_xml(
    sourcedid: str, score: float, message_id: str | None = None, comment: str | None = None
) -> str:
    """The imsx_POXEnvelopeRequest of a replaceResultRequest (LTI 1.1 Outcomes).

    A mentor's comment goes in the Outcomes extension's resultData/text, which Moodle and Canvas
    show as feedback and consumers without the extension ignore.
    """
    env = ET.Element("imsx_POXEnvelopeRequest", xmlns=NS)
    info = ET.SubElement(ET.SubElement(env, "imsx_POXHeader"), "imsx_POXRequestHeaderInfo")
    ET.SubElement(info, "imsx_version").text = "V1.0"
    ET.SubElement(info, "imsx_messageIdentifier").text = message_id or uuid.uuid4().hex
    body = ET.SubElement(ET.SubElement(env, "imsx_POXBody"), "replaceResultRequest")
    record = ET.SubElement(body, "resultRecord")
    ET.SubElement(ET.SubElement(record, "sourcedGUID"), "sourcedId").text = sourcedid
    result = ET.SubElement(record, "result")
    result_score = ET.SubElement(result, "resultScore")
    ET.SubElement(result_score, "language").text = "en"
    ET.SubElement(result_score, "textString").text = score_text(score)
    if comment:
        result_data = ET.SubElement(result, "resultData")
        ET.SubElement(result_data, "text").text = comment[:COMMENT_MAX]
    text = ET.tostring(env, encoding="unicode").encode("ascii", "xmlcharrefreplace").decode()
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + text


def code_major(answer: str) -> tuple[str | None, str]:
    """(imsx_codeMajor, imsx_description) of a POX answer; (None, why) when unreadable."""
    if len(answer) > MAX_ANSWER or "<!DOCTYPE" in answer.upper() or "<!ENTITY" in answer.upper():
        return None, "answer refused (too large, or a DTD/entity declaration)"
    try:
        root = ET.fromstring(answer)  # noqa: S314 - no DTD/entities (checked above)
    except ET.ParseError as exc:
        return None, f"answer is not XML: {exc}"
    major = description = None
    for element in root.iter():
        local = element.tag.rsplit("}", 1)[-1]
        if local == "imsx_codeMajor" and major is None:
            major = (element.text or "").strip().lower()
        elif local == "imsx_description" and description is None:
            description = (element.text or "").strip()
    return major, description or ""


def _sends(job: Job) -> bool:
    """Whether this consumer shows this score: all (provisional) or only FullyGraded (final)."""
    extra = db.session.scalar(select(Platform.extra).where(Platform.id == job.platform_id)) or {}
    final_only = extra.get("lti11_scores") == "final"
    return not final_only or job.score.get("grading_progress") == "FullyGraded"


def _target(job: Job) -> tuple[str, str, str, str]:
    """(service URL, sourcedid, consumer key, secret) of a claimed delivery."""
    row = db.session.execute(
        select(Lti11Outcome.service_url, Lti11Outcome.sourcedid, Platform.client_id, Platform.id)
        .join(
            GradeDelivery,
            (GradeDelivery.user_id == Lti11Outcome.user_id)
            & (GradeDelivery.resource_link_id == Lti11Outcome.resource_link_id),
        )
        .join(Platform, Platform.id == GradeDelivery.platform_id)
        .where(GradeDelivery.id == job.id)
    ).first()
    if row is None:
        raise DeliveryError("no LTI 1.1 outcome service for this learner and link", permanent=True)
    try:
        secret = consumer_secret(row.id)
    except SecretError as exc:
        raise DeliveryError(str(exc), permanent=True) from exc
    if not secret:
        raise DeliveryError("the LTI 1.1 consumer has no secret", permanent=True)
    return row.service_url, row.sourcedid, row.client_id, secret


def deliver(job: Job) -> tuple[int, str]:
    """Send the job's score as a signed replaceResultRequest; (HTTP status, service URL)."""
    url, sourcedid, key, secret = _target(job)
    if job.score.get("score_given") is None:
        return 204, url  # nothing to send: 1.1 results carry no progress state
    if not _sends(job):
        return 204, url  # this consumer takes final scores only: a provisional one is not sent
    score = normalised(job.score["score_given"], job.score.get("score_maximum"))
    body = replace_result_xml(sourcedid, score, comment=job.score.get("comment"))
    # force_include_body: oauthlib adds oauth_body_hash (SHA-1 of the XML) to the signed header.
    auth = OAuth1(key, client_secret=secret, signature_type="auth_header", force_include_body=True)
    try:
        resp = outbound.request("POST", url, data=body, auth=auth, timeout=timeout(),
                                headers={"Content-Type": CONTENT_TYPE})  # fmt: skip
    except outbound.OutboundError as exc:
        raise DeliveryError(f"outcome service unreachable: {exc}") from exc
    text = outbound.shown(resp.text)
    if resp.status_code >= 300:
        raise DeliveryError(
            f"outcome service answered HTTP {resp.status_code}",
            permanent=resp.status_code in PERMANENT,
            status=resp.status_code,
            body=text,
            retry_after=retry_after(resp) if resp.status_code in THROTTLED else None,
        )
    major, description = code_major(resp.text)
    if major in ACCEPTED:
        return resp.status_code, url
    if major is None:
        raise DeliveryError(f"outcome service answer unreadable: {description}",
                            status=resp.status_code, body=text)  # fmt: skip
    raise DeliveryError(f"outcome service refused the result: {major} {description}".strip(),
                        permanent=True, status=resp.status_code, body=text)  # fmt: skip
