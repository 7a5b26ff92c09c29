"""Images in posts and notes: re-encoding, refused files, limits, serving with the privacy of
their post, staff removal, held uploads (OCR missing or too slow) and orphans. The pictures
here are small and blank so OCR is quick; tests/test_media_guard.py reads real screenshots."""

from __future__ import annotations

import io
import json
import os
import re

import pytest
from PIL import Image
from sqlalchemy import func, select

from forum import media, publications, tickets
from forum.extensions import db
from forum.models import Attachment, AuditEntry, MediaBlob, Role, SiteState
from tests.factories import make_answer, make_category, make_thread, make_user


def picture(fmt: str = "PNG", size=(240, 120), color=(30, 120, 200), **save) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, fmt, **save)
    return out.getvalue()


def noisy(size=(300, 300)) -> bytes:
    """Random pixels: incompressible, and not flat, so OCR runs on it."""
    out = io.BytesIO()
    Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)).save(out, "PNG")
    return out.getvalue()


def with_gps() -> bytes:
    """A JPEG photo 200x100 stored sideways (orientation 6) with camera and GPS data."""
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to display
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (22.0, 32.0, 0.0), 3: "E", 4: (114.0, 3.0, 0.0)}
    return picture("JPEG", size=(200, 100), exif=exif.tobytes())


def upload(browser, data: bytes, name: str = "screen.png"):
    token = browser.token("/ask")
    return browser.client.post(
        "/media/upload",
        data={"image": (io.BytesIO(data), name)},
        headers={"X-CSRFToken": token},
        content_type="multipart/form-data",
    )


def reply_with(browser, thread, files=(), **fields):
    page = f"/t/{thread.id}"
    data = {"body": "Here is what I see on the screen.", **fields}
    data["images"] = [(io.BytesIO(raw), name) for raw, name in files]
    return browser.post(f"/t/{thread.id}/reply", data, page=page,
                        content_type="multipart/form-data")  # fmt: skip


IMG_RE = re.compile(r'<img src="(/media/\d+/thumb\.\w+)" alt="([^"]*)"')


def image_urls(html: str) -> list[str]:
    return [m.group(1).replace("/thumb", "") for m in IMG_RE.finditer(html)]


@pytest.fixture
def member(ctx):
    return make_user("poster")


def test_reencoding_strips_exif_and_gps_and_applies_orientation(ctx, login, member):
    thread = make_thread()
    browser = login(member)
    assert reply_with(browser, thread, [(with_gps(), "IMG_0042.jpg")]).status_code == 302
    html = browser.get(f"/t/{thread.id}").get_data(as_text=True)
    assert 'alt="IMG 0042"' in html  # the file name, as alt text only
    (url,) = image_urls(html)
    assert "IMG" not in url and re.fullmatch(r"/media/\d+\.jpg", url)
    response = browser.get(url)
    stored = Image.open(io.BytesIO(response.data))
    assert stored.format == "JPEG" and stored.size == (100, 200)  # turned upright
    assert len(stored.getexif()) == 0 and not stored.getexif().get_ifd(0x8825)
    assert "icc_profile" not in stored.info and "exif" not in stored.info
    assert b"PhoneMaker" not in response.data


def test_served_with_exact_type_and_nothing_that_runs(ctx, login, member):
    thread = make_thread()
    browser = login(member)
    reply_with(browser, thread, [(picture("WEBP"), "a.webp"), (picture("GIF"), "anim.gif")])
    urls = image_urls(browser.get(f"/t/{thread.id}").get_data(as_text=True))
    assert [u.rsplit(".", 1)[1] for u in urls] == ["webp", "png"]  # a GIF's first frame: PNG
    anon = browser.client.application.test_client()
    for url in urls:
        response = anon.get(url)
        assert response.status_code == 200
        assert response.mimetype == {"webp": "image/webp", "png": "image/png"}[url[-4:].strip(".")]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Content-Security-Policy"].startswith("default-src 'none'")
        assert response.headers["Cache-Control"] == "no-cache"
        again = anon.get(url, headers={"If-None-Match": response.headers["ETag"]})
        assert again.status_code == 304
    assert anon.get(urls[0].replace(".webp", ".png")).status_code == 404  # wrong extension


def svg() -> bytes:
    return b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def bomb() -> bytes:
    out = io.BytesIO()
    Image.new("1", (10000, 6000)).save(out, "PNG")  # 60 MP, a few KB
    return out.getvalue()


REFUSED = {
    "svg": (svg(), "not a plain image"),
    "html": (b"<!doctype html><html><body>hi</body></html>", "not a plain image"),
    "polyglot": (picture() + b"<script>alert(document.cookie)</script>", "not a plain image"),
    "pdf-renamed": (b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", "not a plain image"),
    "text": (b"just some text, not an image at all", "not a PNG, JPEG, WebP or GIF"),
    "truncated": (picture(size=(800, 600), color=(1, 2, 3))[:300], "damaged or incomplete"),
    "truncated-jpeg": (with_gps()[:-400], "damaged or incomplete"),
    "bomb": (bomb(), "decompression bomb"),
    "bmp": (picture("BMP"), "not a PNG, JPEG, WebP or GIF"),
}


@pytest.mark.parametrize("kind", sorted(REFUSED))
def test_files_that_are_not_plain_images_are_refused(ctx, login, member, kind):
    data, message = REFUSED[kind]
    response = upload(login(member), data, f"{kind}.png")
    assert response.status_code == 422
    assert message in response.json["error"]
    assert db.session.scalar(select(func.count()).select_from(MediaBlob)) == 0


def test_size_limit(app, ctx, login, member):
    app.config["FORUM_MAX_IMAGE_BYTES"] = 10_000
    try:
        response = upload(login(member), noisy((120, 120)), "big.png")  # 43 KB
    finally:
        app.config["FORUM_MAX_IMAGE_BYTES"] = 8 * 1024 * 1024
    assert response.status_code == 422 and "limited to" in response.json["error"]


def test_large_photos_are_downscaled(app, ctx, login, member):
    app.config["FORUM_MAX_IMAGE_SIDE"] = 300
    try:
        response = upload(login(member), picture(size=(900, 450)), "wide.png")
    finally:
        app.config["FORUM_MAX_IMAGE_SIDE"] = 2560
    stored = db.session.get(Attachment, response.json["id"]).blob
    assert (stored.width, stored.height) == (300, 150)


def test_count_limit_and_the_form_keeps_the_text(ctx, login, member):
    thread = make_thread()
    files = [(picture(color=(i, i, i)), f"s{i}.png") for i in range(7)]
    response = reply_with(login(member), thread, files, body="My typed words stay here.")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "At most 6 images per post." in html and "My typed words stay here." in html
    assert db.session.scalar(select(func.count()).select_from(Attachment)) == 0


def test_script_upload_then_send_with_alt_text(ctx, login, member):
    thread = make_thread()
    browser = login(member)
    sent = upload(browser, picture(), "clipboard.png").json
    assert sent["thumb"].startswith(f"/media/{sent['id']}/thumb.")
    # Not sent yet: only the uploader sees it.
    assert browser.get(sent["url"]).status_code == 200
    assert login(make_user()).get(sent["url"]).status_code == 404
    fields = {"attachment": str(sent["id"]), f"alt_{sent['id']}": "Pending transfer screen"}
    assert reply_with(browser, thread, **fields).status_code == 302
    html = browser.client.application.test_client().get(f"/t/{thread.id}").get_data(as_text=True)
    assert 'alt="Pending transfer screen"' in html
    # Someone else cannot attach another person's upload.
    other = upload(browser, picture(color=(9, 9, 9)), "x.png").json
    response = reply_with(login(make_user()), thread, attachment=str(other["id"]))
    assert response.status_code == 422


def test_private_ticket_images_only_for_asker_and_staff(app, ctx, login):
    asker, staff, volunteer = (
        make_user(),
        make_user(role=Role.STAFF),
        make_user(role=Role.VOLUNTEER),
    )
    browser = login(asker)
    sent = upload(browser, picture(), "balance.png").json
    from forum.attachments import Sent

    thread = tickets.ask_privately(asker, make_category(), title="My balance is wrong",
                                   body="Please look at my account.", images=Sent((sent["id"],)))  # fmt: skip
    url = sent["url"]
    for who in (app.test_client(), login(make_user()).client, login(volunteer).client):
        assert who.get(url).status_code == 404
    for who in (browser.client, login(staff).client):
        response = who.get(url)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "private, no-store"
    assert thread.is_private


def test_escalation_hides_images_and_publishing_shows_them_again(app, ctx, login):
    asker, staff = make_user(), make_user(role=Role.STAFF)
    thread = make_thread(asker)
    browser = login(asker)
    reply_with(browser, thread, [(picture(), "screen.png")])
    (url,) = image_urls(browser.get(f"/t/{thread.id}").get_data(as_text=True))
    anon = app.test_client()
    assert anon.get(url).status_code == 200
    tickets.escalate(staff, thread, "account_data")
    assert anon.get(url).status_code == 404
    assert browser.get(url).headers["Cache-Control"] == "private, no-store"
    publications.propose(staff, thread)
    assert anon.get(url).status_code == 404  # nothing changes before the asker agrees
    publications.consent(asker, thread)
    assert anon.get(url).status_code == 200


def test_deleted_posts_images_stop(app, ctx, login, member):
    thread = make_thread()
    browser = login(member)
    reply_with(browser, thread, [(picture(), "screen.png")])
    (url,) = image_urls(browser.get(f"/t/{thread.id}").get_data(as_text=True))
    post_id = db.session.scalar(select(Attachment.post_id))
    browser.post(f"/p/{post_id}/delete", page=f"/p/{post_id}/delete")
    assert app.test_client().get(url).status_code == 404
    assert browser.get(url).status_code == 404


def test_staff_remove_an_image_audited(app, ctx, login, member):
    thread = make_thread()
    reply_with(login(member), thread, [(picture(), "screen.png")])
    attachment = db.session.scalar(select(Attachment))
    staff = login(make_user(role=Role.STAFF))
    page = f"/t/{thread.id}"
    assert "Remove image" in staff.get(page).get_data(as_text=True)
    assert "Remove image" not in login(make_user()).get(page).get_data(as_text=True)
    response = staff.post(f"/media/{attachment.id}/remove", page=page)
    assert response.status_code == 302
    assert app.test_client().get(f"/media/{attachment.id}.png").status_code == 404
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "image_remove"))
    assert json.loads(entry.detail)["post"] == attachment.post_id
    assert login(member).post(f"/media/{attachment.id}/remove", page=page).status_code == 404


@pytest.mark.parametrize(
    ("setting", "value", "why"),
    [("FORUM_TESSERACT_CMD", "/nonexistent/tesseract", "tesseract not installed"),
     ("FORUM_OCR_SECONDS", 0.0, "timeout")],
)  # fmt: skip
def test_unreadable_images_are_held_for_staff(app, ctx, login, member, caplog, setting, value, why):
    old = app.config[setting]
    app.config[setting] = value
    try:
        thread = make_thread()
        browser = login(member)
        reply_with(browser, thread, [(noisy((300, 200)), "screen.png")])
    finally:
        app.config[setting] = old
    attachment = db.session.scalar(select(Attachment))
    assert attachment.held and attachment.post_id is not None
    assert f"image upload held for review: {why}" in caplog.text
    url = f"/media/{attachment.id}.png"
    anon = app.test_client()
    assert anon.get(url).status_code == 404
    assert "/media/" not in anon.get(f"/t/{thread.id}").get_data(as_text=True)
    assert "Held for review" in browser.get(f"/t/{thread.id}").get_data(as_text=True)
    staff = login(make_user(role=Role.STAFF))
    staff.post(f"/media/{attachment.id}/release", page=f"/t/{thread.id}")
    assert anon.get(url).status_code == 200


def test_internal_note_images_for_staff_only(app, ctx, login):
    asker, staff = make_user(), make_user(role=Role.STAFF)
    thread = make_thread(asker)
    tickets.escalate(staff, thread, "other")
    browser = login(staff)
    page = f"/t/{thread.id}"
    data = {"note": "Screenshot of the explorer", "images": [(io.BytesIO(picture()), "e.png")]}
    browser.post(f"/t/{thread.id}/notes", data, page=page, content_type="multipart/form-data")
    attachment = db.session.scalar(select(Attachment))
    assert attachment.note_id is not None
    url = f"/media/{attachment.id}.png"
    assert url in browser.get(page).get_data(as_text=True).replace("/thumb", "")
    assert browser.get(url).status_code == 200
    assert login(asker).get(url).status_code == 404


def test_orphans_listed_and_removed(app, ctx, login, member):
    browser = login(member)
    upload(browser, picture(), "never-sent.png")
    thread = make_thread()
    reply_with(browser, thread, [(picture(color=(5, 5, 5)), "kept.png")])
    runner = app.test_cli_runner()
    listed = runner.invoke(args=["forum", "media-orphans", "--hours", "0"])
    # A small picture is its own thumbnail: one blob each (content-addressed).
    assert "1 unsent image(s)" in listed.output and "1 unused blob(s)" in listed.output
    assert db.session.scalar(select(func.count()).select_from(Attachment)) == 2
    removed = runner.invoke(args=["forum", "media-orphans", "--hours", "0", "--delete"])
    assert "Removed 1 unsent image(s) and 1 blob(s)" in removed.output
    assert db.session.scalar(select(func.count()).select_from(Attachment)) == 1
    assert db.session.scalar(select(func.count()).select_from(MediaBlob)) == 1


def test_cached_anonymous_page_drops_a_removed_image(app, ctx, login, member):
    db.session.add(SiteState(id=1, content_version=0))  # the page cache's version row
    db.session.commit()
    thread = make_thread()
    reply_with(login(member), thread, [(picture(), "screen.png")])
    anon = app.test_client()
    assert "/media/" in anon.get(f"/t/{thread.id}").get_data(as_text=True)
    assert anon.get(f"/t/{thread.id}").headers.get("X-Page-Cache") == "hit"
    media.remove(make_user(role=Role.STAFF), db.session.scalar(select(Attachment.id)))
    assert "/media/" not in anon.get(f"/t/{thread.id}").get_data(as_text=True)


def test_markup_keeps_external_images_as_links(ctx):
    from forum import markup

    html = markup.render("![chart](https://example.com/x.png) ![ours](/media/1.png)")
    # External images stay links (through the outbound-link page), never <img>.
    assert "<img" not in html and 'href="/out?u=https%3A%2F%2Fexample.com%2Fx.png"' in html


def test_answers_in_tests_still_work_without_images(ctx):
    assert make_answer(make_thread()).id
