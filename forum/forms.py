"""Flask-WTF forms: fields and validators only (rules live in the domain modules)."""

from __future__ import annotations

import uuid

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    EmailField,
    HiddenField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from .models import (
    ContactPref,
    DeviceOS,
    EscalationReason,
    FlagReason,
    TicketPriority,
    TicketStatus,
)

DEVICE_CHOICES = [
    SelectChoice("", _l("Choose…")),
    SelectChoice(DeviceOS.ANDROID, "Android"),
    SelectChoice(DeviceOS.IOS, "iOS"),
    SelectChoice(DeviceOS.WINDOWS, "Windows"),
    SelectChoice(DeviceOS.MACOS, "macOS"),
    SelectChoice(DeviceOS.LINUX, "Linux"),
    SelectChoice(DeviceOS.BROWSER, _l("Browser extension")),
    SelectChoice(DeviceOS.OTHER, _l("Other")),
]
CONTACT_CHOICES = [
    SelectChoice(ContactPref.NOTIFICATION, _l("Answer here and notify me on the forum")),
    SelectChoice(ContactPref.FORUM, _l("Answer here; I will check back")),
    SelectChoice(ContactPref.PRIVATE, _l("Staff may move this to a private ticket if needed")),
]


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms options."""
    return [SelectChoice(value, label) for value, label in pairs]


def new_submission_key() -> str:
    return uuid.uuid4().hex


class SubmissionForm(FlaskForm):
    """A form whose repeated submit must not create a second post."""

    submission_key = HiddenField(default=new_submission_key)
    # Sent by the "post it publicly anyway" button of the personal-data notice.
    personal_ok = HiddenField(default="")


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])
    remember = BooleanField(_l("Keep me logged in on this device"))


class RegisterForm(FlaskForm):
    username = StringField(
        _l("Username"),
        validators=[DataRequired(), Length(min=2, max=32)],
        description=_l("2–32 letters or digits; Chinese is fine. Shown next to your posts."),
    )
    email = EmailField(
        _l("Email (optional)"),
        validators=[Optional(), Email(check_deliverability=False), Length(max=254)],
        description=_l("Never shown to anyone. Staff will never ask for your recovery phrase."),
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(min=10, max=1024)],
        description=_l("At least 10 characters. A sentence you remember works well."),
    )
    confirm = PasswordField(
        _l("Password again"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )


class AskForm(SubmissionForm):
    category = SelectField(_l("Category"), validators=[DataRequired()])
    title = StringField(
        _l("Title"),
        validators=[DataRequired(), Length(min=6, max=200)],
        description=_l("One sentence: what went wrong? e.g. “USDT transfer pending for 2 hours”"),
    )
    body = TextAreaField(
        _l("Describe the problem"),
        validators=[DataRequired(), Length(max=20000)],
        description=_l("What you did, what you expected, what happened, any error text. "
                       "Markdown works. Never post your recovery phrase or private key."),
    )  # fmt: skip
    device_os = SelectField(_l("Device / system"), choices=DEVICE_CHOICES, validators=[Optional()])
    app_version = StringField(
        _l("Wallet app version"),
        validators=[Optional(), Length(max=40)],
        description=_l("Shown under Me → About, e.g. 2.9.1"),
    )
    happened_at = DateTimeLocalField(
        _l("When did it happen?"), validators=[Optional()], format="%Y-%m-%dT%H:%M"
    )
    contact_pref = SelectField(
        _l("How should we reach you?"), choices=CONTACT_CHOICES, default=ContactPref.NOTIFICATION
    )
    private = BooleanField(
        _l("This involves my account or funds: ask staff privately instead"),
    )
    # Set once the asker has seen similar threads (live with JavaScript, or on a preview step).
    checked_similar = HiddenField(default="")


class ReplyForm(SubmissionForm):
    body = TextAreaField(_l("Your answer"), validators=[DataRequired(), Length(max=20000)])


class EditPostForm(SubmissionForm):
    title = StringField(_l("Title"), validators=[Optional(), Length(min=6, max=200)])
    body = TextAreaField(_l("Text"), validators=[DataRequired(), Length(max=20000)])


class ProfileForm(FlaskForm):
    bio = TextAreaField(_l("About you"), validators=[Optional(), Length(max=500)])
    locale = SelectField(
        _l("Language"),
        choices=choices([("", _l("Follow my browser")), ("zh", "中文（简体）"), ("en", "English")]),
        validators=[Optional()],
    )
    timezone = SelectField(_l("Time zone"), validators=[Optional()])


class PasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired()])
    password = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(min=10, max=1024)]
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )


class CategoryForm(FlaskForm):
    slug = StringField(_l("Address (slug)"), validators=[DataRequired(), Length(max=40)])
    name_en = StringField(_l("Name (English)"), validators=[DataRequired(), Length(max=80)])
    name_zh = StringField(_l("Name (Chinese)"), validators=[DataRequired(), Length(max=80)])
    description_en = TextAreaField(_l("Description (English)"), validators=[Length(max=500)])
    description_zh = TextAreaField(_l("Description (Chinese)"), validators=[Length(max=500)])
    staff_only = BooleanField(_l("Only staff may start threads"))


class MoveForm(FlaskForm):
    category = SelectField(_l("Move to"), validators=[DataRequired()])


REASON_CHOICES = [
    SelectChoice(EscalationReason.ACCOUNT_DATA, _l("Account data (balances, records, addresses)")),
    SelectChoice(EscalationReason.IDENTITY, _l("Identity or contact details")),
    SelectChoice(EscalationReason.LOST_FUNDS, _l("Lost or stolen funds")),
    SelectChoice(EscalationReason.OTHER, _l("Other sensitive matter")),
]


class EscalateForm(FlaskForm):
    reason = SelectField(_l("Why should this be private?"), choices=REASON_CHOICES)
    confirm = BooleanField(
        _l("I understand: only the asker and staff will see this thread from now on."),
        validators=[DataRequired(message=_l("Please confirm."))],
    )


class TicketForm(FlaskForm):
    status = SelectField(
        _l("Status"),
        choices=[
            SelectChoice(TicketStatus.OPEN, _l("Open")),
            SelectChoice(TicketStatus.WAITING, _l("Waiting for the asker")),
            SelectChoice(TicketStatus.RESOLVED, _l("Resolved")),
            SelectChoice(TicketStatus.CLOSED, _l("Closed")),
        ],
    )
    priority = SelectField(
        _l("Priority"),
        choices=[
            SelectChoice(TicketPriority.LOW, _l("Low")),
            SelectChoice(TicketPriority.NORMAL, _l("Normal")),
            SelectChoice(TicketPriority.HIGH, _l("High")),
            SelectChoice(TicketPriority.URGENT, _l("Urgent")),
        ],
    )
    assignee = SelectField(_l("Assignee"), validators=[Optional()])


class NoteForm(FlaskForm):
    note = TextAreaField(
        _l("Internal note (staff only)"), validators=[DataRequired(), Length(max=20000)]
    )


class RateForm(FlaskForm):
    rating = SelectField(
        _l("How was the support?"),
        choices=choices([(str(n), "★" * n) for n in range(5, 0, -1)]),
        validators=[DataRequired()],
    )
    comment = TextAreaField(_l("Anything to add? (optional)"), validators=[Length(max=1000)])


class OpenTicketForm(FlaskForm):
    submission_key = HiddenField(default=new_submission_key)  # a double submit opens one ticket
    username = StringField(_l("Member"), validators=[DataRequired(), Length(max=64)])
    category = SelectField(_l("Category"), validators=[DataRequired()])
    title = StringField(_l("Subject"), validators=[DataRequired(), Length(min=6, max=200)])
    body = TextAreaField(_l("First message"), validators=[DataRequired(), Length(max=20000)])


class FlagForm(FlaskForm):
    reason = RadioField(
        _l("What is wrong with this post?"),
        choices=[
            SelectChoice(
                FlagReason.SCAM,
                _l("Scam: asks for a recovery phrase or key, fake support, phishing link"),
            ),
            SelectChoice(FlagReason.SPAM, _l("Spam or advertising")),
            SelectChoice(FlagReason.ABUSE, _l("Rude or abusive")),
            SelectChoice(FlagReason.OTHER, _l("Something else")),
        ],
        validators=[DataRequired(message=_l("Please choose a reason."))],
    )
    note = TextAreaField(_l("Anything staff should know? (optional)"), validators=[Length(max=500)])
