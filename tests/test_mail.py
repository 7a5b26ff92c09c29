"""The e-mail outbox and its sender, against a real SMTP server (aiosmtpd on loopback):
rows written with the event, delivered after commit, retried, at most once."""

from __future__ import annotations

import email
import email.policy
import re
import threading
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select, update

from forum import mail
from forum.extensions import db
from forum.models import MailOutbox, utcnow
from tests.factories import make_thread, make_user


def verified_user(name: str, address: str | None = None, **fields):
    user = make_user(name, **fields)
    user.email = address or f"{name}@example.org"
    user.email_verified_at = utcnow()
    db.session.commit()
    return user


def links(message) -> list[str]:
    text = message.get_body(("plain",)).get_content()
    return re.findall(r"https?://\S+", text)


def outbox_count() -> int:
    return db.session.scalar(select(func.count(MailOutbox.id))) or 0


def test_reply_queues_in_the_same_transaction_and_arrives(app, ctx, smtp, login):
    asker = verified_user("asker_mail")
    thread = make_thread(asker, title="USDT transfer stuck on pending")
    login(make_user("helper_mail")).post(
        f"/t/{thread.id}/reply", {"body": "Raise the fee and wait ten minutes."},
        page=f"/t/{thread.id}",
    )  # fmt: skip
    assert outbox_count() == 1
    assert mail.send_all().sent == 1
    assert outbox_count() == 0, "delivered rows are pruned"

    [message] = smtp.wait_for(1)
    assert message["To"] == "asker_mail <asker_mail@example.org>"
    assert "helper_mail" in message["Subject"] and "USDT transfer" in message["Subject"]
    assert message["List-Unsubscribe"].startswith("<http://forum.test/email/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Message-ID"] and message["Date"]
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Raise the fee" in text and "Raise the fee" in html
    # The links work when followed.
    thread_link = next(link for link in links(message) if "/t/" in link)
    page = login(asker).get(thread_link.removeprefix("http://forum.test"))
    assert page.status_code == 200 and "Raise the fee" in page.get_data(as_text=True)


def test_html_part_escapes_what_people_wrote(app, ctx, smtp):
    asker = verified_user("asker_esc")
    thread = make_thread(asker)
    from forum import threads

    threads.reply(make_user("helper_esc"), thread, "Try `<script>alert(1)</script>` never.")
    mail.send_all()
    [message] = smtp.wait_for(1)
    html = message.get_body(("html",)).get_content()
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_nobody_without_a_verified_address_gets_a_row(app, ctx):
    asker = make_user("no_address")
    asker.email = "unconfirmed@example.org"  # given at registration, never confirmed
    db.session.commit()
    from forum import threads

    threads.reply(make_user("h2"), make_thread(asker), "A reply with enough words.")
    assert outbox_count() == 0


def test_development_default_writes_files(app, ctx, tmp_path):
    app.config["FORUM_MAIL_DIR"] = str(tmp_path / "mail")
    asker = verified_user("asker_file")
    from forum import threads

    threads.reply(make_user("h3"), make_thread(asker), "Check the fee, it was too low.")
    assert mail.send_all().sent == 1
    [path] = Path(tmp_path / "mail").glob("*.eml")
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert "Check the fee" in message.get_body(("plain",)).get_content()


def test_a_dead_server_delays_nothing_and_loses_nothing(app, ctx, smtp):
    asker = verified_user("asker_down")
    thread = make_thread(asker)
    port = app.config["FORUM_MAIL_PORT"]
    app.config["FORUM_MAIL_PORT"] = 1  # nothing listens there
    from forum import threads

    threads.reply(make_user("h4"), thread, "An answer that must not be lost.")
    report = mail.send_all()
    assert (report.sent, report.failed) == (0, 1)
    row = db.session.scalar(select(MailOutbox))
    assert row.attempts == 1 and row.due_at > utcnow() and row.claimed_by is None
    assert row.last_error in {"ConnectionRefusedError", "OSError"}
    assert mail.send_all().sent == 0, "not due yet: backoff"

    app.config["FORUM_MAIL_PORT"] = port
    db.session.execute(update(MailOutbox).values(due_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert mail.send_all().sent == 1
    assert len(smtp.wait_for(1)) == 1


def test_two_concurrent_senders_send_each_message_once(app, ctx, smtp):
    user = verified_user("many")
    for _ in range(30):
        mail.queue("reset", user_id=user.id)
    db.session.commit()
    reports = []

    def sender() -> None:
        with app.app_context():
            reports.append(mail.send_all(limit=5))

    workers = [threading.Thread(target=sender) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    messages = smtp.wait_for(30)
    assert sum(r.sent for r in reports) == 30
    assert len(messages) == 30
    assert len({m["Message-ID"] for m in messages}) == 30
    assert outbox_count() == 0


def test_a_claimed_row_is_not_sent_by_another_sender(app, ctx, smtp):
    user = verified_user("claimed")
    mail.queue("reset", user_id=user.id)
    db.session.commit()
    db.session.execute(
        update(MailOutbox).values(claimed_by="other-host", claimed_until=utcnow() + mail.LEASE)
    )
    db.session.commit()
    assert mail.send_all().sent == 0
    # A lease that ran out (its sender died) is taken over.
    db.session.execute(update(MailOutbox).values(claimed_until=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert mail.send_all().sent == 1


def test_send_mail_command(app, ctx, smtp):
    user = verified_user("cli_user")
    mail.queue("reset", user_id=user.id)
    db.session.commit()
    runner = app.test_cli_runner()
    assert "1 waiting" in runner.invoke(args=["forum", "send-mail", "--status"]).output
    result = runner.invoke(args=["forum", "send-mail"])
    assert result.exit_code == 0 and "sent 1" in result.output
    assert len(smtp.wait_for(1)) == 1


def test_after_commit_delivery_runs_off_the_request(app, ctx, smtp, login):
    app.config["FORUM_MAIL_DELIVERY"] = "thread"
    try:
        thread_id = make_thread(verified_user("asker_thread")).id
        login(make_user("helper_thread")).post(
            f"/t/{thread_id}/reply", {"body": "Delivered by the background sender."},
            page=f"/t/{thread_id}",
        )  # fmt: skip
        [message] = smtp.wait_for(1)
        assert "Delivered by the background sender" in message.get_body(("plain",)).get_content()
    finally:
        app.config["FORUM_MAIL_DELIVERY"] = "worker"
