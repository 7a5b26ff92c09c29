"""Addresses, forgotten passwords, notification settings, unsubscribe, digest, watching and
mentions, end to end through the web and a real SMTP server (aiosmtpd on loopback)."""

from __future__ import annotations

import re

from flask import get_flashed_messages
from sqlalchemy import func, select

from forum import emails, mail, threads, tickets
from forum.extensions import db
from forum.models import EmailPreference, MailOutbox, MailRequest, Notification, User, utcnow
from tests.factories import PASSWORD, make_thread, make_user
from tests.test_mail import verified_user

BASE = "http://forum.test"


def link_in(message, part: str) -> str:
    text = message.get_body(("plain",)).get_content()
    return next(u for u in re.findall(r"https?://\S+", text) if part in u).removeprefix(BASE)


def flashes_after(browser, response) -> str:
    return browser.get(response.headers["Location"]).get_data(as_text=True)


# --- forgotten password -----------------------------------------------------------------------


def test_reset_flow_end_to_end(app, ctx, smtp, browser, login):
    user = verified_user("forgetful")
    other_device = login(user)
    assert other_device.get("/settings").status_code == 200

    response = browser.post(
        "/password/forgot", {"identifier": "forgetful"}, page="/password/forgot"
    )
    assert response.status_code == 302
    mail.send_all()
    [message] = smtp.wait_for(1)
    assert message["To"] == "forgetful <forgetful@example.org>"
    link = link_in(message, "/password/reset/")
    assert "List-Unsubscribe" not in message  # account mail, not a notification

    assert browser.get(link).status_code == 200
    done = browser.post(
        link, {"password": "a brand new passphrase", "confirm": "a brand new passphrase"}, page=link
    )
    assert done.status_code == 302 and done.headers["Location"].endswith("/login")

    assert other_device.get("/settings").status_code == 302, "other sessions end"
    assert browser.get(link).status_code == 400, "the link works once"
    browser.login("forgetful", "a brand new passphrase")


def test_reset_link_dies_after_any_password_change(app, ctx, smtp, login):
    user = verified_user("changer")
    emails.request_reset("changer", "10.0.0.1")
    mail.send_all()
    link = link_in(smtp.wait_for(1)[0], "/password/reset/")
    login(user).post(
        "/settings/password",
        {"current": PASSWORD, "password": "another long password", "confirm": "another long password"},
        page="/settings",
    )  # fmt: skip
    assert app.test_client().get(link).status_code == 400


def test_reset_says_the_same_whether_or_not_the_account_exists(app, ctx, smtp, browser):
    verified_user("known_one")
    make_user("no_address_one")
    pages = []
    for identifier in ("known_one", "nobody_here", "no_address_one", "known_one@example.org",
                       "stranger@example.org"):  # fmt: skip
        response = browser.post(
            "/password/forgot", {"identifier": identifier}, page="/password/forgot"
        )
        assert response.status_code == 302
        assert response.headers["Location"].endswith("/login")
        page = flashes_after(browser, response)
        pages.append(re.sub(r'name="csrf_token"[^>]*>', "", page))
    assert len(set(pages)) == 1
    mail.send_all()
    assert [m["To"] for m in smtp.wait_for(2)] == ["known_one <known_one@example.org>"] * 2


def test_reset_limits_are_counted_in_the_database(app, ctx, smtp):
    verified_user("popular")
    app.config.update(FORUM_RESET_PER_ACCOUNT=2, FORUM_RESET_PER_CLIENT=4)
    try:
        for n in range(4):  # from different addresses: the per-account limit holds
            emails.request_reset("popular", f"10.0.0.{n}")
        assert db.session.scalar(select(func.count(MailOutbox.id))) == 2
        for _ in range(4):
            emails.request_reset("someone_else", "10.9.9.9")
        try:
            emails.request_reset("popular", "10.9.9.9")
        except emails.TooManyRequests:
            pass
        else:
            raise AssertionError("the fifth request from one address must be refused")
        assert db.session.scalar(select(func.count(MailRequest.id))) == 8
    finally:
        app.config.update(FORUM_RESET_PER_ACCOUNT=3, FORUM_RESET_PER_CLIENT=10)


def test_per_client_limit_answers_429_for_every_name(app, ctx, browser):
    app.config["FORUM_RESET_PER_CLIENT"] = 1
    try:
        browser.post("/password/forgot", {"identifier": "x1"}, page="/password/forgot")
        response = browser.post("/password/forgot", {"identifier": "x2"}, page="/password/forgot")
        assert response.status_code == 429
    finally:
        app.config["FORUM_RESET_PER_CLIENT"] = 10


# --- addresses --------------------------------------------------------------------------------


def test_registration_address_is_verified_by_link(app, ctx, smtp, browser):
    response = browser.post(
        "/register",
        {"username": "newbie", "email": "NewBie@Example.org", "password": PASSWORD, "confirm": PASSWORD},
        page="/register",
    )  # fmt: skip
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.username == "newbie"))
    assert user.email_verified_at is None
    mail.send_all()
    [message] = smtp.wait_for(1)
    assert message["To"] == "newbie <newbie@example.org>"
    assert browser.get(link_in(message, "/email/verify/")).status_code == 302
    db.session.refresh(user)
    assert user.email == "newbie@example.org" and user.email_verified_at is not None


def test_changing_a_verified_address_needs_the_password_and_tells_the_old_one(
    app, ctx, smtp, login
):
    user = verified_user("mover", "old@example.org")
    browser = login(user)
    wrong = browser.post("/settings/email/address", {"email": "new@example.org", "password": "nope"},
                         page="/settings/email")  # fmt: skip
    assert wrong.status_code == 400
    right = browser.post("/settings/email/address", {"email": "new@example.org", "password": PASSWORD},
                         page="/settings/email")  # fmt: skip
    assert right.status_code == 302
    mail.send_all()
    messages = {m["To"]: m for m in smtp.wait_for(2)}
    notice = messages["mover <old@example.org>"]
    assert "new@example.org" in notice.get_body(("plain",)).get_content()
    db.session.refresh(user)
    assert user.email == "old@example.org", "nothing changes before the link is followed"
    browser.get(link_in(messages["mover <new@example.org>"], "/email/verify/"))
    db.session.refresh(user)
    assert user.email == "new@example.org"


def test_forged_or_taken_verification_is_refused(app, ctx, client):
    verified_user("owner", "shared@example.org")
    assert client.get("/email/verify/forged-token").status_code == 400
    from forum import mail_tokens

    thief = make_user("thief")
    token = mail_tokens.verify_token(thief, "shared@example.org")
    assert client.get(f"/email/verify/{token}").status_code == 400


# --- notification settings, unsubscribe, privacy ----------------------------------------------


def test_one_click_unsubscribe(app, ctx, smtp, client):
    asker = verified_user("unsub")
    thread = make_thread(asker)
    threads.reply(make_user("h_unsub"), thread, "First answer with some detail.")
    mail.send_all()
    [message] = smtp.wait_for(1)
    url = message["List-Unsubscribe"].strip("<>").removeprefix(BASE)
    # RFC 8058: the mail client POSTs, with no session and no CSRF token.
    response = client.post(url, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 204
    assert emails.preferences(asker)["reply"] == "off"
    threads.reply(make_user("h_unsub2"), thread, "Second answer with some detail.")
    assert mail.send_all().dropped == 1
    assert len(smtp.messages) == 1
    assert (
        client.post("/email/unsubscribe/forged", data={"List-Unsubscribe": "One-Click"}).status_code
        == 404
    )


def test_settings_page_saves_modes(app, ctx, login):
    user = verified_user("chooser")
    browser = login(user)
    modes = {"reply": "daily", "accepted": "off", "watch": "immediately", "mention": "daily",
             "ticket": "immediately", "staff": "off"}  # fmt: skip
    assert browser.post("/settings/email", modes, page="/settings/email").status_code == 302
    saved = emails.preferences(user)
    assert saved["reply"] == "daily" and saved["accepted"] == "off"
    assert saved["staff"] == "immediately", "only staff choose staff mail"


def test_canary_escalated_thread_sends_nothing_to_the_volunteer(app, ctx, smtp):
    asker = verified_user("canary_asker")
    volunteer = verified_user("canary_vol", role="volunteer")
    thread = make_thread(asker, title="Lost my funds after a fake airdrop")
    threads.reply(volunteer, thread, "Which network did you use?")
    threads.reply(asker, thread, "CANARY-7f3e my account details are here")
    # Queued for the volunteer (asker_reply) ... then staff take it private before sending.
    assert db.session.scalar(select(func.count()).where(MailOutbox.user_id == volunteer.id)) == 1
    tickets.escalate(make_user("staffer", role="staff"), thread, "account_data")
    mail.send_all()
    for rcpt, message in smtp.received:
        raw = message.as_string()
        assert "canary_vol@example.org" not in rcpt
        if "canary_asker" not in message["To"]:
            assert "CANARY-7f3e" not in raw and "fake airdrop" not in raw


def test_language_of_the_recipient(app, ctx, smtp):
    asker = verified_user("zh_asker")
    asker.locale = "zh"
    db.session.commit()
    threads.reply(make_user("en_helper"), make_thread(asker), "Please check the gas fee.")
    mail.send_all()
    [message] = smtp.wait_for(1)
    assert "回复" in message["Subject"]
    assert 'lang="zh"' in message.get_body(("html",)).get_content()


def test_daily_digest(app, ctx, smtp):
    asker = verified_user("digester")
    db.session.add(EmailPreference(user_id=asker.id, category="reply", mode="daily"))
    db.session.commit()
    thread = make_thread(asker, title="Where is my swap?")
    threads.reply(make_user("d1"), thread, "It is on the bridge still.")
    threads.reply(make_user("d2"), thread, "Wait for twelve confirmations.")
    assert mail.send_all().dropped == 2, "daily mode: no immediate mail"
    # Notifications are stamped now; the digest covers up to this moment.
    assert emails.queue_digests(utcnow()) == 1
    assert emails.queue_digests(utcnow()) == 0, "one per day"
    mail.send_all()
    [digest] = smtp.wait_for(1)
    text = digest.get_body(("plain",)).get_content()
    assert text.count("Where is my swap?") == 2
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


# --- watching and mentions ---------------------------------------------------------------------


def test_watch_and_mention(app, ctx, login):
    thread = make_thread(make_user("w_asker"))
    watcher = make_user("watcher")
    assert (
        login(watcher)
        .post(f"/t/{thread.id}/watch", {"watch": "1"}, page=f"/t/{thread.id}")
        .status_code
        == 302
    )
    mentioned = make_user("mentioned_one")
    threads.reply(make_user("writer"), thread, "Good question, @Mentioned_One knows this.")
    kinds = {u: k for u, k in db.session.execute(select(Notification.user_id, Notification.kind))}
    assert kinds[watcher.id] == "watch"
    assert kinds[mentioned.id] == "mention"
    login(watcher).post(f"/t/{thread.id}/watch", {"watch": "0"}, page=f"/t/{thread.id}")
    assert not emails.is_watching(watcher, thread)


def test_nobody_watches_a_ticket_they_cannot_see(app, ctx, login):
    asker = make_user("t_asker")
    thread = make_thread(asker)
    tickets.escalate(make_user("t_staff", role="staff"), thread, "account_data")
    response = login(make_user("t_other")).post(f"/t/{thread.id}/watch", {"watch": "1"}, page="/")
    assert response.status_code == 404
    assert get_flashed_messages() == []
