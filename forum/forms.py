"""Flask-WTF forms: fields and validators only (rules live in the domain modules)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (  # type: ignore[attr-defined]  # SelectChoice: WTForms 3.3, stubs are 3.2
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

from .guarded_form import GuardedForm, choices, new_submission_key
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


class SubmissionForm(GuardedForm):
    """A form whose repeated submit must not create a second post."""

    submission_key = HiddenField(default=new_submission_key)
    # Sent by the "post it publicly anyway" button of the personal-data notice.
    personal_ok = HiddenField(default="")


class LoginForm(GuardedForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])
    remember = BooleanField(_l("Keep me logged in on this device"))


class TwoFactorForm(GuardedForm):
    code = StringField(
        _l("Code"),
        validators=[DataRequired(), Length(max=32)],
        description=_l("The 6 digits your authenticator app shows, or a recovery code."),
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )


class ReauthForm(GuardedForm):
    secret = PasswordField(
        _l("Password or code"),
        validators=[DataRequired(), Length(max=1024)],
        description=_l("Your password, or the 6 digits your authenticator app shows."),
    )


class PublishAnswerForm(GuardedForm):
    post = SelectField(_l("Staff answer to publish"), validators=[DataRequired()])
    title = StringField(_l("Public title"), validators=[DataRequired(), Length(max=200)])
    question = TextAreaField(
        _l("The question, in your words"),
        validators=[DataRequired(), Length(max=20000)],
        description=_l("Nothing the asker wrote is published: describe the problem generally."),
    )


class RegisterForm(GuardedForm):
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
        # The length that counts is checked by posting.check_title (Chinese characters count
        # double), so a five-character Chinese title (闪退怎么办) is enough.
        validators=[DataRequired(), Length(min=3, max=200)],
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


class ProfileForm(GuardedForm):
    bio = TextAreaField(_l("About you"), validators=[Optional(), Length(max=500)])
    locale = SelectField(
        _l("Language"),
        choices=choices([("", _l("Follow my browser")), ("zh", "中文（简体）"), ("en", "English")]),
        validators=[Optional()],
    )
    timezone = SelectField(_l("Time zone"), validators=[Optional()])


class PasswordForm(GuardedForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired()])
    password = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(min=10, max=1024)]
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )


class CategoryForm(GuardedForm):
    slug = StringField(_l("Address (slug)"), validators=[DataRequired(), Length(max=40)])
    name_en = StringField(_l("Name (English)"), validators=[DataRequired(), Length(max=80)])
    name_zh = StringField(_l("Name (Chinese)"), validators=[DataRequired(), Length(max=80)])
    description_en = TextAreaField(_l("Description (English)"), validators=[Length(max=500)])
    description_zh = TextAreaField(_l("Description (Chinese)"), validators=[Length(max=500)])
    staff_only = BooleanField(_l("Only staff may start threads"))


class GlossaryForm(GuardedForm):
    entries = TextAreaField(
        _l("Entries"),
        validators=[DataRequired(), Length(max=1000)],
        description=_l("Words that mean the same, separated by | or one per line, e.g. "
                       "到账|到帐|arrived|received"),
        render_kw={"rows": 3, "autocapitalize": "none", "spellcheck": "false"},
    )  # fmt: skip


class MoveForm(GuardedForm):
    category = SelectField(_l("Move to"), validators=[DataRequired()])


REASON_CHOICES = [
    SelectChoice(EscalationReason.ACCOUNT_DATA, _l("Account data (balances, records, addresses)")),
    SelectChoice(EscalationReason.IDENTITY, _l("Identity or contact details")),
    SelectChoice(EscalationReason.LOST_FUNDS, _l("Lost or stolen funds")),
    SelectChoice(EscalationReason.OTHER, _l("Other sensitive matter")),
]


class EscalateForm(GuardedForm):
    reason = SelectField(_l("Why should this be private?"), choices=REASON_CHOICES)
    confirm = BooleanField(
        _l("I understand: only the asker and staff will see this thread from now on."),
        validators=[DataRequired(message=_l("Please confirm."))],
    )


class TicketForm(GuardedForm):
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


class NoteForm(GuardedForm):
    note = TextAreaField(
        _l("Internal note (staff only)"), validators=[DataRequired(), Length(max=20000)]
    )


SCORES = [SelectChoice(str(n), str(n)) for n in range(1, 6)]


def _score(label) -> RadioField:
    # No default: a rating is what the asker chose, never a preselected five stars.
    return RadioField(
        label, choices=SCORES, validators=[DataRequired(message=_l("Please choose 1 to 5."))]
    )


class RatingForm(GuardedForm):
    """The seed document's dimensions of good support, each 1 (poor) to 5 (excellent)."""

    speed = _score(_l("Speed: how quickly did you get help?"))
    professionalism = _score(_l("Professionalism: how well did the helpers know the answer?"))
    patience = _score(_l("Patience and warmth: how were you treated?"))
    solved = RadioField(
        _l("Was your problem actually solved?"),
        choices=[SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))],
        validators=[DataRequired(message=_l("Please answer yes or no."))],
    )
    comment = TextAreaField(_l("Anything to add? (optional)"), validators=[Length(max=1000)])


class OpenTicketForm(GuardedForm):
    submission_key = HiddenField(default=new_submission_key)  # a double submit opens one ticket
    username = StringField(_l("Member"), validators=[DataRequired(), Length(max=64)])
    category = SelectField(_l("Category"), validators=[DataRequired()])
    title = StringField(_l("Subject"), validators=[DataRequired(), Length(min=6, max=200)])
    body = TextAreaField(_l("First message"), validators=[DataRequired(), Length(max=20000)])


class FlagForm(GuardedForm):
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


class SearchForm(GuardedForm):
    """The search box (a GET form: the query is in the URL, so no CSRF token)."""

    class Meta(GuardedForm.Meta):
        csrf = False

    q = StringField(_l("Search words"))


class SimilarForm(GuardedForm):
    """The title typed on the ask page, sent as it is typed (POST: never in a URL)."""

    title = StringField(_l("Title"), validators=[Length(max=200)])


class ForgotPasswordForm(GuardedForm):
    identifier = StringField(
        _l("Username or e-mail address"), validators=[DataRequired(), Length(max=254)]
    )


class ResetPasswordForm(GuardedForm):
    password = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(min=10, max=1024)]
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )


class EmailAddressForm(GuardedForm):
    email = EmailField(
        _l("E-mail address"),
        validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)],
    )
    password = PasswordField(
        _l("Current password"),
        description=_l("Needed to replace an address that is already confirmed."),
    )


MAIL_MODE_CHOICES = [
    SelectChoice("immediately", _l("Immediately")),
    SelectChoice("daily", _l("Daily summary")),
    SelectChoice("off", _l("Off")),
]


class EmailSettingsForm(GuardedForm):
    reply = SelectField(_l("Replies to my questions"), choices=MAIL_MODE_CHOICES)
    accepted = SelectField(_l("My answer accepted, my question solved"), choices=MAIL_MODE_CHOICES)
    watch = SelectField(_l("Threads I watch"), choices=MAIL_MODE_CHOICES)
    mention = SelectField(_l("@mentions of me"), choices=MAIL_MODE_CHOICES)
    ticket = SelectField(_l("My private tickets"), choices=MAIL_MODE_CHOICES)
    staff = SelectField(_l("Tickets assigned to me (staff)"), choices=MAIL_MODE_CHOICES)
