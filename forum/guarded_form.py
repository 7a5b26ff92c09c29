"""The base of every form: text fields lose control characters and refuse wallet secrets
before any other validator (forum/forms.py holds the forms themselves)."""

from __future__ import annotations

import functools
import uuid

from babel import support
from flask import current_app, g
from flask_babel import get_locale
from flask_wtf import FlaskForm
from wtforms import (  # type: ignore[attr-defined]  # SelectChoice: WTForms 3.3, stubs are 3.2
    PasswordField,
    SelectChoice,
    StringField,
)
from wtforms.i18n import messages_path
from wtforms.validators import StopValidation

from . import guard


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms options."""
    return [SelectChoice(value, label) for value, label in pairs]


def new_submission_key() -> str:
    return uuid.uuid4().hex


def _clean(value):
    return guard.clean(value) if isinstance(value, str) else value


def no_secrets(_form, field) -> None:
    """Refuse a wallet secret: the field keeps the text without it, and says why."""
    if not isinstance(field.data, str):
        return
    refused = guard.refusal(field.data)
    if refused is None:
        return
    field.secret_kinds, field.data = refused
    field.raw_data = [field.data]
    g.secret_refused = True  # the page answers 422 (views.__init__)
    raise StopValidation(str(guard.SECRET_MESSAGE))


def is_guarded(field_class: type) -> bool:
    """Every text field but passwords (hashed, never shown, and must stay as typed)."""
    return issubclass(field_class, StringField) and not issubclass(field_class, PasswordField)


@functools.cache
def _wtforms_catalogue(locale: str) -> support.NullTranslations:
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class GuardedForm(FlaskForm):
    """The base of every form: each text field loses control characters and refuses a
    wallet secret before any other validator, so a new field cannot forget the guard."""

    class Meta(FlaskForm.Meta):
        def get_translations(self, form):
            # WTForms' own messages, parsed once per process and language (Flask-WTF
            # reads the catalogue file again on every request that builds a form).
            if not current_app.config.get("WTF_I18N_ENABLED", True):
                return super().get_translations(form)
            return _wtforms_catalogue(str(get_locale()))

        def bind_field(self, form, unbound_field, options):
            if is_guarded(unbound_field.field_class):
                kwargs = unbound_field.kwargs
                options["filters"] = (*kwargs.get("filters", ()), _clean)
                options["validators"] = [no_secrets, *(kwargs.get("validators") or ())]
            return super().bind_field(form, unbound_field, options)
