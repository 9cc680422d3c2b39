"""Console forms (Flask-WTF, CSRF on): the export's options; management forms live in mentoring."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField
from wtforms.validators import AnyOf

from .formats import FORMAT_NAMES


class ExportForm(FlaskForm):
    """Download completion records with the console's filters."""

    # Plain fields rendered as <select> by the template (no WTForms choice API: it keeps changing).
    format = StringField(_l("Format"), validators=[AnyOf(FORMAT_NAMES)], default="csv")
    separator = StringField(_l("Séparateur CSV"), validators=[AnyOf([";", ","])], default=";")
    summary = BooleanField(_l("Une ligne par apprenant (synthèse par module)"))
    personal = BooleanField(
        _l("Inclure noms et adresses électroniques (si la plateforme les a transmis)")
    )
    context = HiddenField()
    region = HiddenField()
    territory = HiddenField()
    cohort = HiddenField()
    date_from = HiddenField(name="from")
    date_to = HiddenField(name="to")
