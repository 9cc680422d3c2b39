"""Forms of the credentials domain (Flask-WTF, CSRF on)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class RevokeForm(FlaskForm):
    """Withdraw a certificate: the reason is shown to whoever verifies it."""

    reason = TextAreaField(
        _l("Motif du retrait (affiché lors de la vérification)"),
        validators=[DataRequired(), Length(max=500)],
    )


class ReissueForm(FlaskForm):
    """Issue a new certificate with today's facts; the old one is marked superseded."""

    reason = TextAreaField(_l("Motif de la réédition"), validators=[Optional(), Length(max=500)])
