"""Typed mentoring forms (Flask-WTF, CSRF on): every id is parsed by a bounded integer field."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateField, Field, IntegerField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from ..core.converters import MAX_ID

MAX_TEXT = 1000


def parse_id(raw: str | None) -> int | None:
    """A database id from a query argument, or None when absent, malformed or out of range."""
    raw = (raw or "").strip()
    if not (raw.isascii() and raw.isdigit()):
        return None
    value = int(raw)
    return value if 1 <= value <= MAX_ID else None


class IdField(IntegerField):
    """A required id: a positive integer within the database's range."""

    def process_formdata(self, valuelist):
        """Parse the integer, then refuse one no row can have (NumberRange fails on huge ints)."""
        super().process_formdata(valuelist)
        if self.data is not None and not 1 <= self.data <= MAX_ID:
            self.data = None
            raise ValueError("id out of range")


def id_field(label) -> IdField:
    """A required id field."""
    return IdField(label, validators=[InputRequired()])


def text_field(label, max_length: int = 255) -> StringField:
    """Free text whose content the services check (so their messages name the rule)."""
    return StringField(label, validators=[Optional(), Length(max=max_length)])


def date_field(label) -> DateField:
    """An optional ISO date (YYYY-MM-DD, what <input type=date> sends)."""
    return DateField(label, validators=[Optional()])


class IdListField(Field):
    """Several ids from checkboxes of the same name."""

    def process_formdata(self, valuelist):
        """Parse every value; one malformed id fails the field."""
        parsed = [parse_id(v) for v in valuelist]
        self.data = [v for v in parsed if v is not None]
        if len(self.data) != len(parsed):
            raise ValueError("malformed id")

    def _value(self) -> str:
        return ""


def first_error(form: FlaskForm) -> str | None:
    """The first invalid field of a validated form, as a message naming its label."""
    for field in form:
        if field.errors:
            return _("%(label)s : valeur invalide.", label=field.label.text)
    return None


class TerritoryForm(FlaskForm):
    """Create a territory."""

    name = text_field(_l("Nom"))
    code = text_field(_l("Code (commune INSEE, SIREN d'EPCI ou département)"), 9)
    region = text_field(_l("Région"))


class TerritoryEditForm(TerritoryForm):
    """Rename or re-code a territory."""

    territory = id_field(_l("Territoire"))


class CohortFields(FlaskForm):
    """What a cohort's creation and edition share."""

    name = text_field(_l("Nom"))
    territory = id_field(_l("Territoire"))
    starts_on = date_field(_l("Début"))
    ends_on = date_field(_l("Fin"))


class CohortForm(CohortFields):
    """Create a cohort in a course run."""

    slug = text_field(_l("Identifiant (paramètre cohort=)"), 100)


class CohortEditForm(CohortFields):
    """Change a cohort's name, territory or dates."""

    cohort = id_field(_l("Cohorte"))


class SettingsForm(FlaskForm):
    """Allow learners of a course run to pick their territory."""

    pick = BooleanField(_l("Les apprenants sans cohorte choisissent leur territoire"))


class MoveForm(FlaskForm):
    """Move a learner of the course run to one of its cohorts."""

    user = id_field(_l("Apprenant"))
    cohort = id_field(_l("Nouvelle cohorte"))
    reason = text_field(_l("Raison (obligatoire)"), MAX_TEXT)


class MentorForm(FlaskForm):
    """Make a member of the course run a mentor of one of its cohorts."""

    user = id_field(_l("Mentor"))
    cohort = id_field(_l("Cohorte"))


class PickTerritoryForm(FlaskForm):
    """A learner's choice of cohort at first launch."""

    cohort = id_field(_l("Cohorte"))


class PeerSessionForm(FlaskForm):
    """A peer-exchange visit or meeting."""

    cohort = id_field(_l("Cohorte"))
    kind = text_field(_l("Type"), 20)
    held_on = DateField(_l("Date"), validators=[InputRequired()])
    host = id_field(_l("Territoire d'accueil"))
    participants = IdListField(_l("Participants"))
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=10_000)])


class ImportForm(FlaskForm):
    """A CSV file of territories, cohorts and learner placements."""

    file = FileField(_l("Fichier CSV"), validators=[FileRequired()])
