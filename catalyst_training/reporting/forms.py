"""Console forms (Flask-WTF, CSRF on)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField, StringField
from wtforms.validators import AnyOf, DataRequired, Length, Optional

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


class ImportForm(FlaskForm):
    """A CSV file of territories, cohorts and learner placements."""

    file = FileField(_l("Fichier CSV"), validators=[FileRequired()])


class TerritoryForm(FlaskForm):
    """Create or edit a territory."""

    name = StringField(_l("Nom"), validators=[DataRequired(), Length(max=255)])
    code = StringField(
        _l("Code (commune INSEE, SIREN d'EPCI ou département)"),
        validators=[DataRequired(), Length(max=9)],
    )
    region = StringField(_l("Région"), validators=[Optional(), Length(max=255)])


class SettingsForm(FlaskForm):
    """Allow learners of a course run to pick their territory."""

    pick = BooleanField(_l("Les apprenants sans cohorte choisissent leur territoire"))
