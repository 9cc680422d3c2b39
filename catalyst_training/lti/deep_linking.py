"""Deep Linking 2.0: the module picker and the signed LtiDeepLinkingResponse."""

from __future__ import annotations

from typing import Any

from pylti1p3.deep_link import DeepLink
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.lineitem import LineItem

from ..extensions import cache
from .launch import CLAIM, DL_CLAIM
from .registry import DatabaseToolConf
from .urls import without_token

LINEITEM_TAG = "catalyst-module"


class _DeepLink(DeepLink):
    """pylti1p3's DeepLink, without a null data claim when the platform sent none."""

    def get_message_jwt(self, resources):
        """The response claims; data echoed only when the request carried it."""
        message = super().get_message_jwt(resources)
        if message.get(DL_CLAIM + "data") is None:
            message.pop(DL_CLAIM + "data", None)
        return message


def _key(launch_id: str) -> str:
    return f"dl:{launch_id}"


def remember(message, claims: dict[str, Any]) -> None:
    """Keep what the response needs until the picker is submitted."""
    cache.set(
        _key(message.get_launch_id()),
        {
            "iss": claims["iss"],
            "client_id": message.get_client_id(),
            "deployment_id": claims[CLAIM + "deployment_id"],
            "settings": claims.get(DL_CLAIM + "deep_linking_settings") or {},
        },
        timeout=3600,
    )


def _accepts_links(settings: dict[str, Any]) -> bool:
    return "ltiResourceLink" in (settings.get("accept_types") or [])


def _multiple(settings: dict[str, Any]) -> bool:
    value = settings.get("accept_multiple", True)
    return value is True or str(value).lower() == "true"


def build_items(modules, slugs: list[str], launch_url: str) -> list[DeepLinkResource]:
    """One ltiResourceLink per chosen module, with its line item (score out of 100)."""
    launch_url = without_token(launch_url)  # a course link is seen by everyone in the course
    by_slug = {m.slug: m for m in modules}
    items = []
    for slug in slugs:
        module = by_slug[slug]
        line_item = (
            LineItem()
            .set_score_maximum(100)
            .set_label(module.title)
            .set_resource_id(slug)
            .set_tag(LINEITEM_TAG)
        )
        items.append(
            DeepLinkResource()
            .set_url(launch_url)
            .set_title(module.title)
            .set_custom_params({"module": slug})
            .set_lineitem(line_item)
        )
    return items


def pending_request(launch_id: str | None) -> dict[str, Any] | None:
    """The deep-linking request remembered for this launch, if it is still open."""
    return cache.get(_key(launch_id)) if launch_id else None


def accepts_links(settings: dict[str, Any]) -> bool:
    """The platform accepts ltiResourceLink items."""
    return _accepts_links(settings)


def allows_multiple(settings: dict[str, Any]) -> bool:
    """The platform accepts several items at once."""
    return _multiple(settings)


def response_jwt(stored: dict[str, Any], modules, slugs: list[str], launch_url: str) -> str | None:
    """The signed deep-linking response for the chosen modules (None: platform gone)."""
    registration = DatabaseToolConf().find_registration_by_params(
        stored["iss"], stored["client_id"]
    )
    if registration is None:
        return None
    link = _DeepLink(registration, stored["deployment_id"], stored["settings"])
    return link.get_response_jwt(build_items(modules, slugs, launch_url))


def forget(launch_id: str) -> None:
    """Close the deep-linking request of this launch."""
    cache.delete(_key(launch_id))
