"""Forms of the learning domain."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SubmitField, TextAreaField
from wtforms.validators import Length


class AssignmentForm(FlaskForm):
    """The learner's answer: text (simple Markdown) and an optional attachment."""

    text = TextAreaField(_l("Votre réponse"), validators=[Length(max=50_000)])
    attachment = FileField(_l("Pièce jointe (facultative)"))
    save = SubmitField(_l("Enregistrer le brouillon"))
    submit = SubmitField(_l("Remettre mon travail"))
