"""Forms of the credentials domain (Flask-WTF, CSRF on)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileSize
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from .received import MAX_BYTES


class RevokeForm(FlaskForm):
    """Withdraw a certificate: the reason is shown to whoever verifies it."""

    reason = TextAreaField(
        _l("Motif du retrait (affiché lors de la vérification)"),
        validators=[DataRequired(), Length(max=500)],
    )


class ReissueForm(FlaskForm):
    """Issue a new certificate with today's facts; the old one is marked superseded."""

    reason = TextAreaField(_l("Motif de la réédition"), validators=[Optional(), Length(max=500)])


class ReceivedBadgeForm(FlaskForm):
    """A badge someone received, to check: its baked PNG or its compact JWT pasted."""

    token = TextAreaField(
        _l("Texte du badge (JWT compact, commençant par « eyJ »)"),
        validators=[Optional(), Length(max=50_000)],
    )
    image = FileField(
        _l("Ou l'image du badge (PNG, 2 Mo au plus)"),
        validators=[
            FileSize(
                MAX_BYTES,
                message=_l(
                    "Le fichier dépasse 2 Mo : une image de badge pèse quelques dizaines de Ko."
                ),
            )
        ],
    )
