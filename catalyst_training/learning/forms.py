"""Forms of the learning domain."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import IntegerField, SubmitField, TextAreaField
from wtforms.validators import AnyOf, InputRequired, Length


class AssignmentForm(FlaskForm):
    """The learner's answer: text (simple Markdown) and an optional attachment."""

    text = TextAreaField(_l("Votre réponse"), validators=[Length(max=50_000)])
    attachment = FileField(_l("Pièce jointe (facultative)"))
    save = SubmitField(_l("Enregistrer le brouillon"))
    submit = SubmitField(_l("Remettre mon travail"))


def field_name(dimension_id: str) -> str:
    """The form field of a self-assessment dimension."""
    return "dim_" + dimension_id.replace("-", "_")


def self_assessment_form(assessment, previous: dict[str, int] | None = None) -> FlaskForm:
    """One required level per dimension (values 1..4), pre-set with a previous taking.

    The page draws each field as a radio group in a fieldset (levels carry descriptors), so a
    plain integer field is enough here: no choice tuples to keep in step with WTForms.
    """

    class SelfAssessmentForm(FlaskForm):
        submit = SubmitField(_l("Enregistrer mon autoévaluation"))

    for dimension in assessment.dimensions:
        message = _l("Choisissez un niveau pour cette dimension.")
        field = IntegerField(
            dimension.title,
            validators=[
                InputRequired(message),
                AnyOf([level.value for level in dimension.levels], message=message),
            ],
        )
        setattr(SelfAssessmentForm, field_name(dimension.id), field)
    data = {field_name(k): v for k, v in (previous or {}).items()}
    return SelfAssessmentForm(data=data)
