"""NRPS (Names and Role Provisioning) for the TestPlatform, paged with Link headers."""

import typing as t
from dataclasses import dataclass, field

import flask
from lti1p3platform.membership import Context
from lti1p3platform.service_connector import NamesRoleProvisioningService, TPage

from .lti import ROLES, FlaskRequest, PlatformConf


@dataclass
class Roster:
    """Members the platform returns for its course, and how it pages them."""

    members: list[dict[str, t.Any]] = field(default_factory=list)
    page_size: int = 2
    quoted_rel: bool = True  # rel="next" (True) or rel=next (False)
    requests: list[str] = field(default_factory=list)

    def add(self, user_id: str, role: str = "learner", status: str = "Active", **extra) -> None:
        """Add a member (role name or URI); extra = name, email, message..."""
        self.members.append(
            {"user_id": user_id, "roles": [ROLES.get(role, role)], "status": status, **extra}
        )


class _Service(NamesRoleProvisioningService):
    def __init__(self, request, conf, url: str, roster: Roster, cursor: int) -> None:
        super().__init__(request, conf, url)
        self.roster, self.cursor = roster, cursor

    def get_context_by_id(self) -> Context:
        return Context(id="course-v1:FUN+CAT+2026", label="CAT", title="Catalyseurs")

    def get_member_data_page(self, **_kwargs: t.Any) -> TPage:
        size = self.roster.page_size
        chunk = self.roster.members[self.cursor : self.cursor + size]
        return {
            "content": [dict(m) for m in chunk],
            "has_next": self.cursor + size < len(self.roster.members),
        }


def add_nrps_routes(app: flask.Flask, platform: t.Any) -> None:
    """/nrps/memberships: bearer token from /token; next pages at a mixed-case cursor URL."""
    platform.roster = Roster()

    def memberships() -> flask.Response:
        roster: Roster = platform.roster
        roster.requests.append(flask.request.url)
        raw = flask.request.args.get("Cursor", "0")
        cursor = int(raw[len("AbC") :]) if raw.startswith("AbC") else 0
        conf = PlatformConf(platform=platform)
        conf.get_registration()
        url = f"{platform.base_url}/nrps/memberships"
        service = _Service(FlaskRequest(flask.request), conf, url, roster, cursor)
        resp = service.handle_resp(service.handle_get_members)
        if resp.code != 200:
            return flask.make_response({"error": resp.message}, resp.code)
        body = dict(resp.result)
        body.pop("next", None)
        out = flask.jsonify(body)
        out.content_type = resp.media_type
        if cursor + roster.page_size < len(roster.members):
            rel = 'rel="next"' if roster.quoted_rel else "rel=next"
            following = f"{url}?Cursor=AbC{cursor + roster.page_size}"
            out.headers["Link"] = f'<{url}>; rel="first", <{following}>; {rel}'
        return out

    app.add_url_rule("/nrps/memberships", "nrps_memberships", memberships)
