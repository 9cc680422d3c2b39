"""AGS (line items + scores) on the test platform: lti1p3platform's service, in-memory store."""

import itertools
import json
import threading
from typing import Any

import flask
import jwt
from lti1p3platform.exceptions import LineItemNotFoundException, LtiException
from lti1p3platform.lineitem import TLineItem
from lti1p3platform.response import Response
from lti1p3platform.score import TScore, UpdateScoreStatus
from lti1p3platform.service_connector import AssignmentsGradesService, TPage

from .lti import FlaskRequest, PlatformConf

AGS = "https://purl.imsglobal.org/spec/lti-ags/scope/"
SCORE_TYPE = "application/vnd.ims.lis.v1.score+json"
# What each endpoint needs in the token (upstream only checks "any allowed scope").
NEEDS = {
    "scores": {AGS + "score"},
    "get_lineitems": {AGS + "lineitem", AGS + "lineitem.readonly"},
    "create_lineitem": {AGS + "lineitem"},
}


class AgsStore:
    """Line items and scores of the test platform, with fault injection for the tool's tests."""

    def __init__(self, platform: Any) -> None:
        self.platform = platform
        self.lineitems: dict[str, dict[str, Any]] = {}
        self.scores: list[dict[str, Any]] = []  # every score received, with its headers
        self.results: dict[tuple[str, str], dict[str, Any]] = {}  # latest per (line item, user)
        self.requests: list[tuple[str, str]] = []  # (method, path) of every AGS call
        self.faults: list[tuple[int, dict[str, str]]] = []  # answers for the next score POSTs
        self.down = False  # every platform endpoint answers 502 while True
        self.revoked: set[str] = set()
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)  # notified when a score is recorded

    def lineitems_url(self, context: str = "course") -> str:
        """The line items container URL of a course."""
        return f"{self.platform.base_url}/ags/{context}/lineitems"

    def add_lineitem(self, context: str = "course", **fields: Any) -> str:
        """Create a line item directly (as the platform does for a declarative one); its URL."""
        with self._lock:
            url = f"{self.lineitems_url(context)}/{next(self._ids)}"
            self.lineitems[url] = {"id": url, "scoreMaximum": 100, "label": "Item", **fields}
        return url

    def fail_next(self, count: int, status: int, headers: dict[str, str] | None = None) -> None:
        """Answer the next `count` score POSTs with `status` (and headers, e.g. Retry-After)."""
        with self._lock:
            self.faults.extend([(status, dict(headers or {}))] * count)

    def revoke_tokens(self) -> None:
        """Invalidate every access token issued so far (the tool must refresh on 401)."""
        with self._lock:
            self.revoked |= {r["response"]["access_token"] for r in self.platform.token_requests}
        # Access tokens carry a jti (lti.PlatformRegistration): the next one differs from these
        # even when issued within the same second.

    def wait_received(self, user_id: str, count: int = 1, timeout: float = 10.0) -> bool:
        """Block until `count` scores of the user arrived (False when `timeout` passes first)."""
        with self._arrived:
            return self._arrived.wait_for(lambda: len(self._accepted(user_id)) >= count, timeout)

    def _accepted(self, user_id: str | None) -> list[dict[str, Any]]:
        return [
            s["score"]
            for s in self.scores
            if s["status"] < 300 and user_id in (None, (s["score"] or {}).get("userId"))
        ]

    def received(self, user_id: str | None = None) -> list[dict[str, Any]]:
        """The score bodies received (optionally for one user), in arrival order."""
        with self._lock:
            return self._accepted(user_id)


class StoreService(AssignmentsGradesService):
    """lti1p3platform's AGS service over an AgsStore."""

    store: AgsStore

    def find_lineitems(self, page=1, limit=None, line_item_id=None, resource_link_id=None,
                       resource_id=None, tag=None, **_: Any) -> TPage:  # fmt: skip
        """Line items of this container matching the filters."""
        prefix = self.ags.lineitems_url + "/"
        found = [
            i
            for url, i in self.store.lineitems.items()
            if url.startswith(prefix)
            and resource_id in (None, i.get("resourceId"))
            and tag in (None, i.get("tag"))
            and resource_link_id in (None, i.get("resourceLinkId"))
        ]
        return {"content": found, "has_next": False, "next": None}

    def find_lineitem(self, line_item_id: str) -> TLineItem:
        """One line item, or LineItemNotFoundException."""
        if line_item_id not in self.store.lineitems:
            raise LineItemNotFoundException("no such line item")
        return self.store.lineitems[line_item_id]  # type: ignore[return-value]

    def create_lineitem(self, creation_data: TLineItem) -> TLineItem:
        """Create a line item in this container."""
        context = self.ags.lineitems_url.rstrip("/").split("/")[-2]
        url = self.store.add_lineitem(context, **{k: v for k, v in creation_data.items()
                                                  if k != "id"})  # fmt: skip
        return self.store.lineitems[url]  # type: ignore[return-value]

    def update_lineitem(self, update_data: TLineItem) -> TLineItem:
        """Replace a line item's fields."""
        self.find_lineitem(update_data["id"])
        self.store.lineitems[update_data["id"]].update(update_data)
        return self.store.lineitems[update_data["id"]]  # type: ignore[return-value]

    def delete_lineitem(self, line_item_id: str) -> None:
        """Delete a line item."""
        self.find_lineitem(line_item_id)
        del self.store.lineitems[line_item_id]

    def update_score(self, line_item_id: str, score: TScore) -> UpdateScoreStatus:
        """Record the score; the result keeps the one with the latest timestamp."""
        self.find_lineitem(line_item_id)
        user = str(score.get("userId"))
        with self.store._lock:
            current = self.store.results.get((line_item_id, user))
            if current is None or str(score.get("timestamp")) >= str(current.get("timestamp")):
                self.store.results[(line_item_id, user)] = dict(score)
        return UpdateScoreStatus.SUCCESS

    def get_results(self, line_item_id: str, page: int = 1, limit=None, user_id=None) -> TPage:
        """Results of a line item."""
        rows = [r for (li, _u), r in self.store.results.items() if li == line_item_id]
        return {"content": rows, "has_next": False, "next": None}


def _answer(result: Any, code: int, media_type: str) -> flask.Response:
    if isinstance(result, dict) and "content" in result:
        result = result["content"]
    body = "" if result is None else json.dumps(result)
    return flask.Response(body, status=code, content_type=media_type)


def add_ags_routes(platform: Any, app: flask.Flask) -> None:
    """Add /ags/<context>/lineitems[/<n>[/scores]] and fault injection to the platform app."""
    store = platform.ags = AgsStore(platform)

    @app.before_request
    def _down() -> flask.Response | None:
        if store.down:
            return flask.Response("platform down", status=502)
        return None

    def service(context: str, lineitem: str | None, need: str) -> StoreService | flask.Response:
        with store._lock:
            store.requests.append((flask.request.method, flask.request.path))
        token = flask.request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        conf = PlatformConf(platform=platform)
        conf.get_registration()
        try:
            claims = jwt.decode(token, platform.public_key_pem, algorithms=["RS256"])
            if token in store.revoked or not conf.validate_token(token, list(NEEDS[need])):
                raise LtiException("revoked or insufficient token")
        except (LtiException, jwt.PyJWTError) as exc:
            return flask.Response(f"invalid token: {exc}", status=401)
        if not NEEDS[need] & set(claims.get("scopes", "").split()):
            return flask.Response(f"token lacks scope for {need}", status=403)
        svc = StoreService(FlaskRequest(flask.request), conf, store.lineitems_url(context),
                           lineitem)  # fmt: skip
        svc.store = store
        return svc

    def lineitems(context: str) -> flask.Response:
        need = "get_lineitems" if flask.request.method == "GET" else "create_lineitem"
        svc = service(context, None, need)
        if isinstance(svc, flask.Response):
            return svc
        get = need == "get_lineitems"
        resp = svc.handle_resp(svc.handle_get_lineitems if get else svc.handle_create_lineitem)
        return _answer(resp.result, resp.code, resp.media_type)

    def scores(context: str, number: str) -> flask.Response:
        url = f"{store.lineitems_url(context)}/{number}"
        svc = service(context, url, "scores")
        if isinstance(svc, flask.Response):
            return svc
        with store._lock:
            fault = store.faults.pop(0) if store.faults else None
        if fault is not None:
            return flask.Response("injected fault", status=fault[0], headers=fault[1])
        if flask.request.mimetype != SCORE_TYPE:
            resp = Response(f"unsupported media type {flask.request.mimetype}", 415, "text/plain")
        else:
            resp = svc.handle_resp(svc.handle_update_score, line_item_id=url)
        with store._arrived:
            store.scores.append(
                {
                    "lineitem": url,
                    "score": flask.request.get_json(silent=True),
                    "headers": dict(flask.request.headers),
                    "status": resp.code,
                }
            )
            store._arrived.notify_all()
        return _answer(resp.result, resp.code, resp.media_type)

    app.add_url_rule("/ags/<context>/lineitems", "ags_lineitems", lineitems,
                     methods=["GET", "POST"])  # fmt: skip
    app.add_url_rule("/ags/<context>/lineitems/<number>/scores", "ags_scores", scores,
                     methods=["POST"])  # fmt: skip
