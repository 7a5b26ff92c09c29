"""One guard for every text a person can write (issue 10, point 1).

Every text field of every form in forum/forms.py, found by introspection, must refuse a
12-word recovery phrase when submitted through its real route; every String/Text column of
the models, found in db.metadata, must refuse one at the domain layer and at flush. A new
field or column without a proof here fails `test_every_*_has_a_proof`, and one without the
guard fails its proof. Nothing refused reaches the database, the logs, the session or the
search index.
"""

from __future__ import annotations

import inspect
from types import SimpleNamespace

import pytest
from flask import Flask
from flask_wtf import FlaskForm
from sqlalchemy import String, select
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    PasswordField,
    RadioField,
    SelectField,
)
from wtforms.fields.core import UnboundField

from forum import (
    accounts,
    categories,
    discovery,
    forms,
    guard,
    guarded_form,
    moderation,
    ratings,
    synonyms,
    threads,
    tickets,
)
from forum.attachments import Sent
from forum.errors import DomainError
from forum.extensions import db
from forum.models import Attachment, MediaBlob, Role, SearchQuery, Thread, User
from forum.search import outbox as search_outbox
from tests.conftest import Browser
from tests.factories import make_answer, make_category, make_thread, make_user

# BIP-39 test vectors: checksum-valid English and Chinese recovery phrases.
PHRASE = "legal winner thank year wave sausage worth useful legal winner thank yellow"
PHRASE_ZH = "的 三 欧 三 考 于 据 保 量 损 破 战"  # 23 characters: fits every short column
MARKERS = ("sausage", "考 于 据")

# Field types that hold no free text (a choice, a flag, a date) or a password (hashed, never
# shown, and must stay as typed). Any other field must be a guarded text field.
NOT_TEXT = (BooleanField, DateTimeLocalField, PasswordField, RadioField, SelectField)

# String/Text columns nobody can write free text into; must match guard.UNGUARDED, which the
# flush listener skips. Every other String/Text column is user text and needs a proof below.
NOT_USER_WRITABLE = {
    "posts.held_reason",
    "posts.review_outcome",
    "attachments.blob_sha256",
    "attachments.thumb_sha256",
    "attachments.personal_kinds",
    "media_blobs.sha256",
    "media_blobs.mime",
    "login_attempts.kind",
    "login_attempts.address",
    "login_attempts.account_key",
    "recovery_codes.code_hash",
    "users.totp_secret",
    "email_preferences.category",
    "email_preferences.mode",
    "mail_outbox.kind",
    "mail_outbox.claimed_by",
    "mail_outbox.last_error",
    "mail_outbox.payload",
    "mail_requests.client",
    "mail_requests.kind",
    "users.username_key",  # derived from the username (checked)
    "users.password_hash",  # argon2 hash
    "users.role",  # Role value
    "users.locale",  # configured language, checked by accounts.update_profile
    "users.timezone",  # zoneinfo name, checked by accounts.update_profile
    "threads.device_os",  # DeviceOS value
    "threads.contact_pref",  # ContactPref value
    "posts.body_html",  # rendered from body_source (checked)
    "posts.body_text",  # plain text of body_source (checked)
    "tickets.status",  # TicketStatus value
    "tickets.priority",  # TicketPriority value
    "tickets.reason",  # EscalationReason value
    "ticket_notes.body_html",  # rendered from body_source (checked)
    "audit_log.action",  # fixed action name
    "audit_log.target_type",  # model name
    "audit_log.detail",  # JSON of ids and choices made by code
    "notifications.kind",  # fixed kind
    "search_outbox.kind",  # "post" or "thread"
    "flags.reason",  # FlagReason value
    "flags.outcome",  # "dismissed" or "removed"
}


# --- what there is to guard ------------------------------------------------------------------


# Bases: their fields are proven through each form that extends them.
BASES = {forms.GuardedForm, forms.SubmissionForm}


def form_classes() -> list[type]:
    return [
        cls
        for _name, cls in inspect.getmembers(forms, inspect.isclass)
        if issubclass(cls, FlaskForm) and cls.__module__ == forms.__name__ and cls not in BASES
    ]


def form_fields() -> list[tuple[str, str, type]]:
    """(form name, field name, field class) of every field of every form."""
    found = []
    for cls in form_classes():
        for name, unbound in inspect.getmembers(cls, lambda m: isinstance(m, UnboundField)):
            found.append((cls.__name__, name, unbound.field_class))
    return found


TEXT_FIELDS = sorted(
    f"{form}.{name}" for form, name, kind in form_fields() if guarded_form.is_guarded(kind)
)


def text_columns() -> list[str]:
    return sorted(
        f"{table.name}.{column.name}"
        for table in db.metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, String)
    )


USER_COLUMNS = [name for name in text_columns() if name not in NOT_USER_WRITABLE]


# --- a small forum to write into -------------------------------------------------------------


@pytest.fixture
def world(ctx, login):
    cat = make_category("account")
    member = make_user("guard_member")
    staff = make_user("guard_staff", Role.STAFF)
    admin = make_user("guard_admin", Role.ADMIN)
    thread = make_thread(member, cat, title="Cannot see my USDT after sending")
    answer = make_answer(thread, make_user("guard_helper"), "Check the network you sent on.")
    ticket = tickets.ask_privately(
        member, cat, title="My balance is missing", body="Please check my account balance."
    )
    tickets.add_note(staff, ticket, "Asked the asker for the transaction id.")
    staff_reply = threads.reply(staff, ticket, "Fees depend on the network's load.")
    tickets.update(staff, ticket, status="resolved")
    ratings.dismiss(member, ticket)  # a ratings row exists (rated later or not at all)
    moderation.flag(member, answer, "spam", "Looks like an advert.")
    question = threads.question_of(thread)
    # A stored image, made directly: reading a real one (OCR) would cost seconds per test.
    db.session.add(MediaBlob(sha256="0" * 64, data=b"", mime="image/png", size=0, width=1,
                             height=1))  # fmt: skip
    image = Attachment(uploader_id=member.id, blob_sha256="0" * 64, thumb_sha256="0" * 64,
                       alt="screenshot")  # fmt: skip
    db.session.add(image)
    db.session.add(SearchQuery(query="usdt pending", results=3))
    synonyms.add(staff, "到账|arrived")
    db.session.commit()
    return SimpleNamespace(
        cat=cat, member=member, staff=staff, admin=admin, thread=thread, answer=answer,
        ticket=ticket, question=question, login=login, staff_reply=staff_reply, image=image,
    )  # fmt: skip


def stored_anywhere() -> list[str]:
    """Every String/Text column value in the database that holds a piece of the phrases."""
    hits = []
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if not isinstance(column.type, String):
                continue
            for marker in MARKERS:
                if db.session.execute(select(column).where(column.contains(marker))).first():
                    hits.append(f"{table.name}.{column.name}")
    return hits


def assert_nothing_kept(app: Flask, caplog, client=None, html: str = "", logged=True) -> None:
    for marker in MARKERS:
        assert marker not in html, "the secret was echoed back"
        assert marker not in caplog.text, "the secret reached the log"
    if logged:
        assert "recovery_phrase" in caplog.text  # the refusal is logged, by kind only
    db.session.expire_all()
    assert stored_anywhere() == []
    search_outbox.sync()
    public, private = search_outbox.index(search_outbox.PUBLIC), search_outbox.PRIVATE
    assert public.search("sausage").total == 0
    assert search_outbox.index(private).search("sausage").total == 0
    if client is not None and (cookie := client.get_cookie("session")) is not None:
        session = app.session_interface.get_signing_serializer(app).loads(cookie.value)
        assert not any(marker in str(session) for marker in MARKERS)


# --- forms: every text field, through its real route -----------------------------------------

ASK = {"category": "account", "title": "Cannot log in to the wallet",
       "body": "The app says wrong password since yesterday.", "checked_similar": "1"}  # fmt: skip
NEW_PASSWORD = "a long enough password 42"
REGISTER = {"username": "fresh_name", "email": "", "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD}  # fmt: skip
CATEGORY = {"slug": "new-cat", "name_en": "New", "name_zh": "新分类", "description_en": "",
            "description_zh": ""}  # fmt: skip
OPEN_TICKET = {"category": "account", "title": "About your account",
               "body": "Please tell us more."}  # fmt: skip


def _form(who, url, page, base, expect=422):
    """A form submitted by `who` (None: a visitor) to url, with the token of page."""
    return lambda w, field: (who(w) if who else None, "post", url(w), page(w),
                             {**base(w), field: PHRASE}, expect)  # fmt: skip


def _const(value):
    return lambda _w: value


MEMBER, STAFF, ADMIN = (lambda w: w.member), (lambda w: w.staff), (lambda w: w.admin)
THREAD_PAGE = lambda w: f"/t/{w.thread.id}"  # noqa: E731
TICKET_PAGE = lambda w: f"/t/{w.ticket.id}"  # noqa: E731

# "Form.field" (or "Form.*": every text field of the form) -> how to submit it for real.
ROUTES = {
    "LoginForm.*": _form(None, _const("/login"), _const("/login"),
                         _const({"username": "guard_member", "password": NEW_PASSWORD})),
    "RegisterForm.*": _form(None, _const("/register"), _const("/register"), _const(REGISTER)),
    "AskForm.*": _form(MEMBER, _const("/ask"), _const("/ask"), _const(ASK)),
    "ReplyForm.*": _form(MEMBER, lambda w: f"/t/{w.thread.id}/reply", THREAD_PAGE,
                         _const({"body": "Have you tried restarting the app?"})),
    "EditPostForm.*": _form(MEMBER, lambda w: f"/p/{w.question.id}/edit",
                            lambda w: f"/p/{w.question.id}/edit",
                            lambda w: {"title": w.thread.title, "body": "Still pending today."}),
    "ProfileForm.*": _form(MEMBER, _const("/settings"), _const("/settings"),
                           _const({"bio": "I like hiking.", "locale": "", "timezone": ""})),
    "CategoryForm.*": _form(ADMIN, _const("/admin/categories/new"),
                            _const("/admin/categories/new"), _const(CATEGORY)),
    "NoteForm.*": _form(STAFF, lambda w: f"/t/{w.ticket.id}/notes", TICKET_PAGE,
                        _const({}), expect=302),
    "RatingForm.*": _form(MEMBER, lambda w: f"/t/{w.ticket.id}/rating", TICKET_PAGE,
                          _const({"speed": "5", "professionalism": "5", "patience": "5",
                                  "solved": "yes"})),
    "OpenTicketForm.*": _form(STAFF, _const("/tickets/new"), _const("/tickets/new"),
                              lambda w: {**OPEN_TICKET, "username": w.member.username}),
    "FlagForm.*": _form(STAFF, lambda w: f"/p/{w.answer.id}/report",
                        lambda w: f"/p/{w.answer.id}/report", _const({"reason": "scam"})),
    "ForgotPasswordForm.*": _form(None, _const("/password/forgot"), _const("/password/forgot"),
                                  _const({})),
    "EmailAddressForm.*": _form(MEMBER, _const("/settings/email/address"),
                                _const("/settings/email"), _const({"password": ""})),
    "TwoFactorForm.*": _form(STAFF, _const("/account/two-factor"), _const("/account/two-factor"),
                             _const({})),
    "PublishAnswerForm.*": _form(STAFF, lambda w: f"/t/{w.ticket.id}/publish/answer",
                                 lambda w: f"/t/{w.ticket.id}/publish",
                                 lambda w: {"post": str(w.staff_reply.id), "title": "About fees",
                                            "question": "How are fees computed?"}),
    "SearchForm.*": lambda w, field: (None, "get", "/search", None, {field: PHRASE}, 422),
    "SimilarForm.*": _form(MEMBER, _const("/search/similar.json"), _const("/ask"), _const({})),
    "GlossaryForm.*": _form(STAFF, _const("/staff/glossary/new"), _const("/staff/glossary/new"),
                            _const({})),
}  # fmt: skip


def _route_for(name: str):
    form, _field = name.split(".")
    return ROUTES.get(name) or ROUTES.get(f"{form}.*")


def test_every_form_is_guarded_by_construction():
    for cls in form_classes():
        assert issubclass(cls, forms.GuardedForm), f"{cls.__name__} must extend GuardedForm"
    for form, name, kind in form_fields():
        assert guarded_form.is_guarded(kind) or issubclass(kind, NOT_TEXT), (
            f"{form}.{name}: a {kind.__name__} is neither a guarded text field nor a known "
            "non-text field"
        )
    assert len(TEXT_FIELDS) >= 30


@pytest.mark.parametrize("name", TEXT_FIELDS)
def test_every_text_field_has_a_proof(name):
    assert _route_for(name), f"add a route to ROUTES that submits {name} for real"


@pytest.mark.parametrize("name", TEXT_FIELDS)
def test_text_field_refuses_a_recovery_phrase(app, world, caplog, name):
    who, method, url, page, data, expect = _route_for(name)(world, name.split(".")[1])
    browser = world.login(who) if who else _visitor(app)
    if method == "get":
        response = browser.get(url, query_string=data)
    else:
        response = browser.post(url, data, page=page)
    html = response.get_data(as_text=True)
    assert response.status_code == expect, html[:300]
    if expect == 302:  # answered by a redirect: the next page says why, in both languages
        html = browser.get(response.headers["Location"]).get_data(as_text=True)
        assert str(guard.SECRET_MESSAGE)[:30] in html and "工作人员绝不会索要" in html
    elif method == "post" and not url.endswith(".json") and not _hidden(name):
        assert "secret-warning" in html  # next to the field, both languages
    assert_nothing_kept(app, caplog, browser.client, html)


def _hidden(name: str) -> bool:
    form, field = name.split(".")
    return getattr(getattr(forms, form), field).field_class is HiddenField


def _visitor(app):
    return Browser(app.test_client())


def test_staff_ticket_search_refuses_too(app, world, caplog):
    browser = world.login(world.staff)
    response = browser.get("/staff/search", query_string={"q": PHRASE})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "secret-warning" in html
    assert_nothing_kept(app, caplog, browser.client, html)


def test_refused_search_says_why_and_is_not_run(app, world, caplog):
    response = _visitor(app).get("/search", query_string={"q": f"help {PHRASE}"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Your search was not run" in html and "工作人员绝不会索要" in html
    assert "sausage" not in html and "threads found" not in html


def test_a_refused_form_keeps_the_rest(app, world, caplog):
    browser = world.login(world.member)
    data = {**ASK, "app_version": f"2.9.1 {PHRASE}", "body": "Balance shows zero since 2.9.1."}
    response = browser.post("/ask", data, page="/ask")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Balance shows zero since 2.9.1." in html and ASK["title"] in html
    assert 'value="2.9.1 […]"' in html  # the secret cut out, the rest kept
    assert "secret-warning" in html and "This contained a wallet secret" in html
    assert db.session.scalar(select(Thread).where(Thread.title == ASK["title"])) is None


# --- model columns: the domain write path and the flush ---------------------------------------


# "table.column" -> a domain call that tries to store a phrase there.
DOMAIN = {
    "users.username": lambda w: accounts.register(PHRASE_ZH, NEW_PASSWORD),
    "users.email": lambda w: accounts.register("mail_person", NEW_PASSWORD, email=PHRASE),
    "users.bio": lambda w: accounts.update_profile(w.member, w.member, bio=PHRASE,
                                                   locale=None, timezone=None),
    "categories.slug": lambda w: categories.save(w.admin, None, slug=PHRASE, name_en="N",
                                                 name_zh="N"),
    "categories.name_en": lambda w: categories.save(w.admin, None, slug="c1", name_en=PHRASE,
                                                    name_zh="N"),
    "categories.name_zh": lambda w: categories.save(w.admin, None, slug="c2", name_en="N",
                                                    name_zh=PHRASE_ZH),
    "categories.description_en": lambda w: categories.save(
        w.admin, None, slug="c3", name_en="N", name_zh="N", description_en=PHRASE),
    "categories.description_zh": lambda w: categories.save(
        w.admin, None, slug="c4", name_en="N", name_zh="N", description_zh=PHRASE_ZH),
    "threads.title": lambda w: threads.ask(w.member, w.cat, title=f"Help {PHRASE}",
                                           body="Balance is wrong."),
    "threads.app_version": lambda w: threads.ask(w.member, w.cat, title="Balance is wrong",
                                                 body="Since today.", app_version=PHRASE_ZH),
    "posts.body_source": lambda w: threads.reply(w.member, w.thread, PHRASE),
    "posts.submission_key": lambda w: threads.reply(w.member, w.thread, "Any news on this?",
                                                    submission_key=PHRASE_ZH),
    "ratings.comment": lambda w: ratings.rate(
        w.member, w.ticket, {"speed": 5, "professionalism": 5, "patience": 5}, solved=True,
        comment=PHRASE),
    "attachments.alt": lambda w: threads.reply(
        w.member, w.thread, "Here is the screen I see.",
        images=Sent((w.image.id,), ((w.image.id, PHRASE),)),
    ),
    "search_queries.query": lambda w: discovery.search(w.member, PHRASE, discovery.Filters()),
    "ticket_notes.body_source": lambda w: tickets.add_note(w.staff, w.ticket, PHRASE),
    "flags.note": lambda w: moderation.flag(w.staff, w.answer, "scam", PHRASE),
    # a phrase short enough to be an entry: refused by the guard, not by the length rule
    "glossary_groups.entries": lambda w: synonyms.add(w.staff, f"{PHRASE_ZH}|到账"),
}  # fmt: skip


def test_not_user_writable_columns_are_the_ones_the_listener_skips():
    assert set(guard.UNGUARDED) == NOT_USER_WRITABLE
    assert set(text_columns()) >= NOT_USER_WRITABLE, "a listed column no longer exists"


@pytest.mark.parametrize("name", USER_COLUMNS)
def test_every_user_text_column_has_a_proof(name):
    assert name in DOMAIN, f"add a domain call to DOMAIN that writes a phrase into {name}"


@pytest.mark.parametrize("name", USER_COLUMNS)
def test_user_text_column_refuses_through_the_domain(app, world, caplog, name):
    with pytest.raises(DomainError):
        DOMAIN[name](world)
    db.session.rollback()
    assert_nothing_kept(app, caplog, logged=False)  # some refuse by their own rule first


def _mapped_class(table_name: str):
    for mapper in db.Model.registry.mappers:
        if mapper.local_table.name == table_name:
            return mapper.class_
    raise AssertionError(table_name)


@pytest.mark.parametrize("name", USER_COLUMNS)
def test_user_text_column_refuses_at_flush(app, world, caplog, name):
    """The last line of defence: whatever path writes the column, the flush refuses."""
    table, column = name.split(".")
    model = _mapped_class(table)
    row = db.session.scalars(select(model)).first()
    assert row is not None, f"the world needs a row of {table}"
    attr = model.__mapper__.get_property_by_column(model.__table__.c[column]).key
    setattr(row, attr, PHRASE_ZH)
    with pytest.raises(guard.SecretInText) as refused:
        db.session.flush()
    assert refused.value.kinds == ["recovery_phrase"] and refused.value.field == attr
    assert getattr(row, attr) != PHRASE_ZH  # the change is forgotten, not flushed later
    db.session.commit()
    assert_nothing_kept(app, caplog)


def test_a_refused_new_row_leaves_the_session(app, world, caplog):
    person = User(username="new_one", username_key="new_one", password_hash="x", bio=PHRASE)
    db.session.add(person)
    with pytest.raises(guard.SecretInText):
        db.session.flush()
    assert person not in db.session
    db.session.commit()
    assert_nothing_kept(app, caplog)


def test_similar_questions_come_by_post_with_csrf_only(app, world):
    browser = world.login(world.member)
    title = "Cannot see my USDT"
    assert browser.get(f"/search/similar.json?title={title}").status_code == 405
    assert browser.client.post("/search/similar.json", data={"title": title}).status_code == 400
    search_outbox.sync()
    response = browser.post("/search/similar.json", {"title": title}, page="/ask")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert [r["title"] for r in response.json] == [world.thread.title]
