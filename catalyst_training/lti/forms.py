"""Forms of the lti domain."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectMultipleField, SubmitField
from wtforms.validators import InputRequired
from wtforms.widgets import CheckboxInput, ListWidget


class DeepLinkForm(FlaskForm):
    """Choice of one or several modules to place in the course."""

    module = RadioField(_l("Module"), validators=[InputRequired(_l("Choisissez un module."))])
    modules = SelectMultipleField(
        _l("Modules"),
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validators=[InputRequired(_l("Choisissez au moins un module."))],
    )
    submit = SubmitField(_l("Ajouter au cours"))

    def __init__(self, *args, multiple: bool, modules, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(m.slug, m.title) for m in modules]
        self.module.choices = choices
        self.modules.choices = choices
        self.multiple = multiple
        # Only the field matching accept_multiple is validated.
        if multiple:
            del self.module
        else:
            del self.modules

    def chosen(self) -> list[str]:
        """The chosen module slugs."""
        return list(self.modules.data) if self.multiple else [self.module.data]
