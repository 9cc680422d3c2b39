"""Forms of the auth pages (Flask-WTF, CSRF on)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length


class LoginForm(FlaskForm):
    """A coordinator's direct login (outside the MOOC)."""

    email = EmailField(_l("Adresse électronique"), validators=[DataRequired(), Length(max=320)])
    password = PasswordField(_l("Mot de passe"), validators=[DataRequired(), Length(max=1024)])
