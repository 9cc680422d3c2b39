"""Forms of the delivery domain."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SubmitField


class RequeueForm(FlaskForm):
    """Re-queue grade deliveries: one (delivery id) or every dead letter (no id)."""

    delivery = HiddenField()
    submit = SubmitField(_l("Renvoyer"))


class StatementRequeueForm(FlaskForm):
    """Re-queue xAPI statements: one (statement id) or every dead letter (no id)."""

    statement = HiddenField()
    submit = SubmitField(_l("Renvoyer"))


class LrsEmailForm(FlaskForm):
    """Whether an LRS may receive people's emails (mbox) instead of their platform account."""

    endpoint = HiddenField()
    send_email = BooleanField(_l("Nommer les personnes par leur adresse e-mail"))
    submit = SubmitField(_l("Enregistrer"))
