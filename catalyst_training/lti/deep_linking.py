"""Deep Linking 2.0: the module picker and the signed LtiDeepLinkingResponse."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, render_template, request
from flask_babel import gettext as _
from pylti1p3.deep_link import DeepLink
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.lineitem import LineItem

from ..auth import roles
from ..auth.services import get_acting, role_required
from ..content.loader import load_programme
from ..extensions import cache
from .forms import DeepLinkForm
from .launch import CLAIM, DL_CLAIM
from .registry import DatabaseToolConf

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


@role_required(roles.MENTOR, roles.COORDINATOR)
def picker():
    """Show the programme's modules; on submit, answer the platform with the chosen ones."""
    acting = get_acting()
    assert acting is not None
    stored = cache.get(_key(acting.launch_id or "")) if acting.launch_id else None
    if not stored:
        abort(
            400, _("Aucune demande de liens profonds en cours : relancez-la depuis la plateforme.")
        )
    settings = stored["settings"]
    modules = load_programme(current_app.config["CONTENT_PATH"])
    multiple = _multiple(settings)
    form = DeepLinkForm(multiple=multiple, modules=modules)
    if not _accepts_links(settings):
        abort(
            400,
            _(
                "La plateforme n'accepte pas de liens vers une activité LTI "
                "(ltiResourceLink) : rien ne peut être ajouté."
            ),
        )
    if request.method == "POST" and form.validate_on_submit():
        slugs = form.chosen()
        from .views import launch_url

        conf = DatabaseToolConf()
        registration = conf.find_registration_by_params(stored["iss"], stored["client_id"])
        if registration is None:
            abort(403, _("Cette plateforme n'est plus active."))
        link = _DeepLink(registration, stored["deployment_id"], settings)
        token = link.get_response_jwt(build_items(modules, slugs, launch_url()))
        cache.delete(_key(acting.launch_id or ""))
        return render_template(
            "lti/deep_link_return.html", action=settings["deep_link_return_url"], jwt=token
        )
    return render_template(
        "lti/deep_link.html", form=form, modules=modules, multiple=multiple, settings=settings
    )
