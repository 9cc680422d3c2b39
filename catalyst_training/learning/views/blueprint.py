"""The learning blueprint and what its pages share: the roles allowed, the module or a 404."""

from __future__ import annotations

from flask import Blueprint, abort
from flask_babel import gettext as _

from ...auth import roles
from ..modules import current_module

bp = Blueprint("learning", __name__, url_prefix="/learn")
# Staff open the learner pages too (to preview a module), each with their own progress.
ANY_ROLE = (roles.LEARNER, roles.MENTOR, roles.COORDINATOR)


def load_module_or_404(slug: str):
    """The current version of a module, or a clear 404."""
    module, version_id = current_module(slug)
    if module is None:
        abort(404, _("Ce module n'existe pas ou n'est plus publié."))
    return module, version_id
