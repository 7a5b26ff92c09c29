"""Tickets by e-mail: real RFC 5322 messages built with the `email` package, fed to
`flask forum receive-mail` on stdin as an MTA's pipe transport does."""

from __future__ import annotations

from email.message import EmailMessage

from mnemonic import Mnemonic
from sqlalchemy import func, select

from forum import mail, mail_tokens, threads, tickets
from forum.extensions import db
from forum.models import MailOutbox, Post, Thread, Ticket
from tests.factories import default_categories, make_thread, make_user
from tests.test_mail import verified_user

PHRASE = Mnemonic("english").to_mnemonic(bytes(range(16)))


def receive(app, message: EmailMessage | bytes) -> str:
    raw = message if isinstance(message, bytes) else message.as_bytes()
    result = app.test_cli_runner().invoke(args=["forum", "receive-mail"], input=raw)
    assert result.exit_code == 0, result.output
    return result.output.strip()


def letter(sender: str, to: str, subject: str, text: str | None, html: str | None = None):
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = f"<{abs(hash((sender, subject, text)))}@mail.example.org>"
    if text is not None:
        message.set_content(text)
        if html is not None:
            message.add_alternative(html, subtype="html")
    else:
        message.set_content(html, subtype="html")
    return message


def post_count() -> int:
    return db.session.scalar(select(func.count(Post.id))) or 0


def ticket_for(asker):
    default_categories()
    thread = make_thread(asker, title="My wallet shows a zero balance")
    tickets.escalate(make_user("staff_in", role="staff"), thread, "account_data")
    return thread


def test_reply_to_a_ticket_email_lands_in_the_ticket(app, ctx, smtp):
    asker = verified_user("mail_asker", "asker@example.org")
    thread = ticket_for(asker)
    threads.reply(make_user("staff_two", role="staff"), thread, "Please tell us your app version.")
    mail.send_all()
    reply_to = next(
        m["Reply-To"]
        for m in smtp.wait_for(2)
        if "ticket" in m["Subject"].lower() and m["Reply-To"]
    )
    assert reply_to.startswith("support+r")

    text = ("It is version 2.3.1 on Android.\n\n"
            "On Tue, 24 Nov 2026 at 10:00, TPWallet <noreply@localhost> wrote:\n"
            "> Please tell us your app version.\n")  # fmt: skip
    html = "<p>It is version 2.3.1 on Android.</p><blockquote>Please tell us</blockquote>"
    message = letter(
        "Mail Asker <asker@example.org>",
        reply_to,
        "Re: ticket",
        text + "-- \nSent from my phone",
        html,
    )
    assert receive(app, message) == "replied"
    last = db.session.scalar(select(Post).order_by(Post.id.desc()).limit(1))
    assert last.thread_id == thread.id and last.author_id == asker.id
    assert last.body_source == "It is version 2.3.1 on Android."
    assert receive(app, message) == "replied" and post_count() == 3, (
        "a redelivery posts nothing new"
    )


def test_forged_tokens_post_nothing(app, ctx):
    asker = verified_user("victim", "victim@example.org")
    thread = ticket_for(asker)
    before = post_count()
    good = mail_tokens.reply_address(thread.id, asker.id)
    forged = (
        good[: -len("@localhost") - 1]
        + ("0" if good[-len("@localhost") - 1] != "0" else "1")
        + "@localhost"
    )
    assert receive(app, letter("victim@example.org", forged, "Re", "guessing")) == "forged"
    guessed = f"support+r{thread.id}-{asker.id}-0000000000000000@localhost"
    assert receive(app, letter("victim@example.org", guessed, "Re", "guessing")) == "forged"
    # A real token, but the mail comes from someone else.
    assert receive(app, letter("mallory@example.org", good, "Re", "I am the asker")) == "forged"
    assert post_count() == before


def test_new_ticket_from_a_verified_address_html_only(app, ctx):
    default_categories()
    member = verified_user("writer_in", "writer@example.org")
    html = "<html><head><style>p{}</style></head><body><p>My <b>USDT</b> never arrived.</p><p>Tx hash 0xabc</p></body></html>"
    message = letter(
        "Writer <Writer@Example.org>", "support@localhost", "Fwd: Missing USDT deposit", None, html
    )
    assert receive(app, message) == "opened"
    thread = db.session.scalar(select(Thread).where(Thread.author_id == member.id))
    assert thread.is_private and thread.title == "Missing USDT deposit"
    assert db.session.get(Ticket, thread.id) is not None
    body = db.session.scalar(select(Post.body_source).where(Post.thread_id == thread.id))
    assert "My USDT never arrived." in body and "p{}" not in body


def test_unknown_sender_is_invited_and_nothing_is_stored(app, ctx, smtp):
    default_categories()
    message = letter("stranger@example.org", "support@localhost", "我的钱包打不开", "请帮帮我")
    assert receive(app, message) == "invited"
    assert db.session.scalar(select(func.count(Thread.id))) == 0
    mail.send_all()
    [invite] = smtp.wait_for(1)
    assert invite["To"] == "stranger@example.org"
    assert "/register" in invite.get_body(("plain",)).get_content()
    assert "请帮帮我" not in invite.as_string()
    assert receive(app, message) == "ignored", "one invitation a day per address"


def test_a_secret_by_mail_is_refused_and_the_sender_told(app, ctx, smtp):
    asker = verified_user("leaky", "leaky@example.org")
    thread = ticket_for(asker)
    before = post_count()
    address = mail_tokens.reply_address(thread.id, asker.id)
    message = letter("leaky@example.org", address, "Re: ticket", f"Here is my phrase: {PHRASE}")
    assert receive(app, message) == "refused_secret"
    assert post_count() == before
    new = letter("leaky@example.org", "support@localhost", "Another problem", f"words {PHRASE}")
    assert receive(app, new) == "refused_secret"
    assert db.session.scalar(select(func.count(Thread.id))) == 1
    rows = db.session.scalars(select(MailOutbox.payload).where(MailOutbox.kind == "refused")).all()
    assert len(rows) == 2 and all(PHRASE.split()[0] + " " not in r for r in rows)
    mail.send_all()
    refused = [m for m in smtp.wait_for(2) if m["To"] == "leaky@example.org"]
    assert len(refused) == 2 and all(PHRASE not in m.as_string() for m in refused)


def test_oversized_and_automatic_mail_is_dropped(app, ctx):
    verified_user("big", "big@example.org")
    app.config["FORUM_MAIL_MAX_INBOUND_BYTES"] = 2000
    try:
        message = letter("big@example.org", "support@localhost", "Large one", "x" * 5000)
        assert receive(app, message) == "too_large"
    finally:
        app.config["FORUM_MAIL_MAX_INBOUND_BYTES"] = 1_000_000
    bounce = letter("big@example.org", "support@localhost", "Out of office", "Away")
    bounce["Auto-Submitted"] = "auto-replied"
    assert receive(app, bounce) == "ignored"
    assert db.session.scalar(select(func.count(Thread.id))) == 0
