"""Forms of the delivery domain."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SubmitField


class RequeueForm(FlaskForm):
    """Re-queue grade deliveries: one (delivery id) or every dead letter (no id)."""

    delivery = HiddenField()
    submit = SubmitField(_l("Renvoyer"))
