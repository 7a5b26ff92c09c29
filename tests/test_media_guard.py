"""The guard reads images: generated screenshots of recovery phrases (English and Chinese,
12 and 24 words, grid, numbered list, dark mode, phone-sized JPEG) and a QR code of a key are
refused before anything is stored; ordinary screenshots (errors, transfers with addresses
and hashes, settings, balances, swaps, in both languages) pass.

OCR is slow (about 1-3 s an image here), so the default suite reads a representative 20;
`python bench/uploads.py` reads the full set (24 phrase screens, 60 ordinary ones) and
reports recall and false refusals (docs/benchmarks.md, Issue 11).
"""

from __future__ import annotations

import io

import pytest
import zxingcpp
from PIL import Image
from sqlalchemy import func, select

from forum import attachments
from forum.attachments import SecretInImage
from forum.extensions import db
from forum.models import MediaBlob
from tests.factories import make_thread, make_user
from tests.screens import ordinary_screen, phrase_screen

PHRASES = [
    ("en", 12, "grid"), ("en", 12, "dark"), ("en", 24, "list"), ("en", 12, "phone-jpeg"),
    ("zh", 12, "grid"), ("zh", 24, "dark"), ("zh", 24, "phone-jpeg"), ("zh-tw", 24, "list"),
]  # fmt: skip
ORDINARY = [
    ("error", False, 0), ("error", True, 101), ("transfer", False, 1), ("transfer", False, 3),
    ("transfer", True, 102), ("transfer", True, 104), ("settings", False, 2),
    ("settings", True, 103), ("home", False, 4), ("home", True, 105), ("swap", True, 100),
]  # fmt: skip
SEEDS = {"grid": 0, "list": 1, "dark": 2, "phone-jpeg": 3}


@pytest.mark.parametrize(("lang", "words", "layout"), PHRASES)
def test_phrase_screenshots_are_refused(ctx, lang, words, layout):
    screen = phrase_screen(lang, words, layout, seed=words * 10 + SEEDS[layout])
    with pytest.raises(SecretInImage) as refused:
        attachments.store_upload(make_user(), screen.data, screen.filename)
    assert refused.value.kinds == ["recovery_phrase"]
    assert db.session.scalar(select(func.count()).select_from(MediaBlob)) == 0


def test_qr_code_of_a_private_key_is_refused(ctx):
    wif = "5HueCGU8rMjxEXxiPuD5BDku4MkFqeZyd4dZ1jvhTVqvbTLvyTJ"  # the well-known example key
    code = zxingcpp.create_barcode(wif, zxingcpp.BarcodeFormat.QRCode).to_image(scale=6)
    square = Image.frombuffer("L", (code.shape[1], code.shape[0]), bytes(code))
    page = Image.new("RGB", (720, 900), "white")
    page.paste(square.convert("RGB"), (80, 120))
    out = io.BytesIO()
    page.save(out, "PNG")
    with pytest.raises(SecretInImage):
        attachments.store_upload(make_user(), out.getvalue(), "backup.png")


@pytest.mark.parametrize(("kind", "zh", "seed"), ORDINARY)
def test_ordinary_screenshots_pass(ctx, kind, zh, seed):
    screen = ordinary_screen(kind, zh, seed)
    stored = attachments.store_upload(make_user(), screen.data, screen.filename)
    assert not stored.held and stored.personal_kinds == ""


def test_refused_image_keeps_what_was_typed(ctx, login):
    thread = make_thread()
    browser = login(make_user())
    screen = phrase_screen("en", 12, "grid")
    data = {"body": "Is this backup screen normal?",
            "images": [(io.BytesIO(screen.data), screen.filename)]}  # fmt: skip
    response = browser.post(f"/t/{thread.id}/reply", data, page=f"/t/{thread.id}",
                            content_type="multipart/form-data")  # fmt: skip
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="secret-warning"' in html and "We did not store the image" in html
    assert "Is this backup screen normal?" in html
    assert "您的帖子包含钱包密钥信息" in html  # the bilingual warning


def test_personal_data_in_a_public_image_offers_a_private_ticket(ctx, login):
    thread = make_thread()
    page = Image.new("RGB", (900, 500), "white")
    from PIL import ImageDraw, ImageFont

    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 40)
    ImageDraw.Draw(page).text((40, 150), "Contact: alice.chen@example.com", font=font, fill="black")
    out = io.BytesIO()
    page.save(out, "PNG")
    browser = login(make_user())
    data = {"body": "My account page", "images": [(io.BytesIO(out.getvalue()), "me.png")]}
    url = f"/t/{thread.id}/reply"
    response = browser.post(url, data, page=f"/t/{thread.id}", content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="personal-warning"' in html
    assert 'name="attachment"' in html  # the stored image rides along with the form
    assert db.session.scalar(select(func.count()).select_from(MediaBlob)) > 0  # stored, pending
    again = browser.post(
        url, {"body": "My account page", "personal_ok": "1",
              "attachment": html.split('name="attachment" value="')[1].split('"')[0]},
        page=f"/t/{thread.id}",
    )  # fmt: skip
    assert again.status_code == 302
