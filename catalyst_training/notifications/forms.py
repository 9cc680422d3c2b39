"""Forms of the notifications domain (Flask-WTF, CSRF on)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, RadioField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from .languages import PLATFORM
from .models import DAILY, IMMEDIATE, OFF


class SettingsForm(FlaskForm):
    """A person's choices, one field per audience they belong to (the view drops the others)."""

    mentor = RadioField(
        _l("Récapitulatif des travaux de vos cohortes"),
        choices=[
            SelectChoice(DAILY, _l("Une fois par jour")),
            SelectChoice(IMMEDIATE, _l("Dès qu'il y a du nouveau")),
            SelectChoice(OFF, _l("Jamais")),
        ],
        default=DAILY,
    )
    learner = BooleanField(_l("Me prévenir quand mon travail est évalué ou un module terminé"))
    coordinator = BooleanField(_l("Recevoir le résumé hebdomadaire de mes sessions"))
    language = RadioField(
        _l("Langue des messages"),
        choices=[
            SelectChoice(PLATFORM, _l("Comme la plateforme")),
            # Each language named in itself: whoever reads the other one still finds theirs.
            SelectChoice("fr", "Français"),
            SelectChoice("en", "English"),
        ],
        default=PLATFORM,
    )
    submit = SubmitField(_l("Enregistrer mes choix"))


class AddressForm(FlaskForm):
    """An address of the person's own (the platform sent none); confirmed by a link."""

    email = EmailField(_l("Adresse électronique"), validators=[DataRequired(), Length(max=320)])
    submit = SubmitField(_l("Envoyer le lien de confirmation"))


class ForgetAddressForm(FlaskForm):
    """Remove the address the person gave."""

    submit = SubmitField(_l("Supprimer cette adresse"))


class ConfirmForm(FlaskForm):
    """The button of a page reached from a link (link scanners only GET)."""

    submit = SubmitField(_l("Confirmer"))
