"""LTI Course Groups service of the TestPlatform: a user's groups, paged with Link headers."""

import threading
import typing as t
from dataclasses import dataclass, field

import flask
import jwt
from lti1p3platform.exceptions import LtiException

from .lti import PlatformConf

GROUPS_CLAIM = "https://purl.imsglobal.org/spec/lti-gs/claim/groupsservice"
GROUPS_SCOPE = "https://purl.imsglobal.org/spec/lti-gs/scope/contextgroup.readonly"
MEDIA_TYPE = "application/vnd.ims.lti-gs.v1.contextgroupcontainer+json"


@dataclass
class Groups:
    """Course groups the platform serves, who is in them, and fault injection."""

    groups: list[dict[str, t.Any]] = field(default_factory=list)
    members: dict[str, list[str]] = field(default_factory=dict)  # group id -> user ids
    page_size: int = 1
    status: int = 200  # any other value: every groups request answers it
    requests: list[str] = field(default_factory=list)
    platform: t.Any = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        """The context_groups_url of the course."""
        return f"{self.platform.base_url}/groups/context_groups"

    def add(self, group_id: str, name: str, *users: str, **extra: t.Any) -> None:
        """Add a group (extra = tag, set_id) holding these user ids."""
        self.groups.append({"id": group_id, "name": name, **extra})
        self.members[group_id] = list(users)

    def claim(self) -> dict[str, t.Any]:
        """The launch claim offering the service (pass it in extra_claims)."""
        return {
            GROUPS_CLAIM: {
                "scope": [GROUPS_SCOPE],
                "context_groups_url": self.url,
                "service_versions": ["1.0"],
            }
        }


def _granted(platform: t.Any, token: str) -> bool:
    """True when the token is ours, valid, and was requested with the groups scope."""
    conf = PlatformConf(platform=platform)
    conf.get_registration()
    if not conf.validate_token(token):
        return False
    # lti1p3platform only signs the scopes it knows: check what the tool asked for.
    with platform._lock:
        asked = [
            r["form"].get("scope", "")
            for r in platform.token_requests
            if r["response"]["access_token"] == token
        ]
    return any(GROUPS_SCOPE in scope.split() for scope in asked)


def add_groups_routes(app: flask.Flask, platform: t.Any) -> None:
    """/groups/context_groups?user_id=: bearer token from /token; next pages via ?page=."""
    store = platform.groups = Groups(platform=platform)

    def context_groups() -> flask.Response:
        with store._lock:
            store.requests.append(flask.request.url)
        if store.status != 200:
            return flask.Response("injected fault", status=store.status)
        token = flask.request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        try:
            if not _granted(platform, token):
                return flask.Response("token lacks the groups scope", status=403)
        except (LtiException, jwt.PyJWTError) as exc:
            return flask.Response(f"invalid token: {exc}", status=401)
        if MEDIA_TYPE not in flask.request.headers.get("Accept", ""):
            return flask.Response("unacceptable", status=406)
        user_id = flask.request.args.get("user_id")
        found = [g for g in store.groups if user_id is None or user_id in store.members[g["id"]]]
        page = int(flask.request.args.get("page", "0"))
        size = store.page_size
        out = flask.jsonify({"groups": found[page * size : (page + 1) * size]})
        out.content_type = MEDIA_TYPE
        if (page + 1) * size < len(found):
            following = f"{store.url}?user_id={user_id}&page={page + 1}"
            out.headers["Link"] = f'<{following}>; rel="next"'
        return out

    app.add_url_rule("/groups/context_groups", "context_groups", context_groups)
