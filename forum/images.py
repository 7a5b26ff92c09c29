"""Pictures people upload: decode with Pillow, refuse anything that is not a plain PNG, JPEG,
WebP or GIF, re-encode it (metadata gone, orientation applied, large ones downscaled), and read
the text in it (Tesseract OCR, QR codes) for the guard. Imports Pillow, pytesseract, zxingcpp
(when a picture arrives: ~4 MB a process that never sees one does without), errors; nothing
of the forum's state.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from flask_babel import lazy_gettext as _l

from .errors import DomainError

if TYPE_CHECKING:
    from PIL import Image

FORMATS = ("PNG", "JPEG", "WEBP", "GIF")
MIME = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}
EXTENSION = {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp"}
THUMB_SIDE = 400
# Markup or script inside an image file means a polyglot: a file meant to be read as
# something else too. Seven exact bytes do not occur by chance in compressed image data.
_POLYGLOT = re.compile(rb"<(?:script|html|svg|body|iframe|\?php|!doctype)|%PDF-", re.IGNORECASE)
# (languages, page segmentation mode): sparse text finds English words laid out in a grid;
# Chinese reads best as uniform blocks. Passes stop as soon as the guard has its answer.
OCR_PASSES = (("eng", 11), ("chi_sim", 6), ("chi_tra", 11))
# One thread per Tesseract run: its OpenMP threads would fight the web workers for the cores
# (measured here: 2-3x slower per image under load with the default).
os.environ.setdefault("OMP_THREAD_LIMIT", "1")


class ImageRefused(DomainError):
    """The file is not an image the forum accepts; nothing was stored."""

    def __init__(self, message) -> None:
        super().__init__(message, field="images")


@dataclass(frozen=True)
class Encoded:
    """Image bytes as the forum stores and serves them."""

    data: bytes
    mime: str
    width: int
    height: int

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_pixels: int
    max_side: int


def process(raw: bytes, limits: Limits) -> tuple[Image.Image, Encoded, Encoded]:
    """Decode an upload and re-encode it: (decoded picture, full image, thumbnail)."""
    if len(raw) > limits.max_bytes:
        mb = limits.max_bytes // (1024 * 1024)
        raise ImageRefused(_l("Images are limited to %(mb)d MB each.", mb=mb))
    if _POLYGLOT.search(raw):
        raise ImageRefused(
            _l("This file is not a plain image (it contains a web page or a document).")
        )
    from PIL import Image

    picture, kind = _decode(raw, limits)
    picture.thumbnail((limits.max_side, limits.max_side), Image.Resampling.LANCZOS)
    full = _encode(picture, kind)
    small = picture.copy()
    small.thumbnail((THUMB_SIDE, THUMB_SIDE), Image.Resampling.LANCZOS)
    return picture, full, _encode(small, kind)


def _decode(raw: bytes, limits: Limits) -> tuple[Image.Image, str]:
    from PIL import Image, ImageOps, UnidentifiedImageError

    not_image = _l("This file is not a PNG, JPEG, WebP or GIF image.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            opened = Image.open(io.BytesIO(raw), formats=FORMATS)
            width, height = opened.size
            if width * height > limits.max_pixels or not width or not height:
                raise ImageRefused(_l("This image has too many pixels to be a screenshot or "
                                      "photo (a “decompression bomb”)."))  # fmt: skip
            kind = opened.format
            opened.seek(0)  # a GIF becomes its first frame
            opened.load()
            picture = ImageOps.exif_transpose(opened)
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageRefused(not_image) from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise ImageRefused(
            _l("This image is damaged or incomplete; please take it again.")
        ) from None
    if kind not in FORMATS:
        raise ImageRefused(not_image)
    has_alpha = picture.mode in ("RGBA", "LA", "PA") or "transparency" in picture.info
    return picture.convert("RGBA" if has_alpha else "RGB"), kind


def _encode(picture: Image.Image, kind: str) -> Encoded:
    """Fresh bytes with no EXIF, GPS, XMP, ICC or text chunks: nothing is passed through."""
    out = io.BytesIO()
    if kind == "JPEG" and picture.mode == "RGB":
        picture.save(out, "JPEG", quality=85, optimize=True)
        fmt = "JPEG"
    elif kind == "WEBP":
        picture.save(out, "WEBP", quality=85)
        fmt = "WEBP"
    else:  # PNG, GIF's first frame, a JPEG can't be RGBA
        picture.save(out, "PNG", compress_level=6)
        fmt = "PNG"
    return Encoded(out.getvalue(), MIME[fmt], picture.width, picture.height)


@dataclass(frozen=True)
class Reading:
    """The text found in a picture, or why it could not be read (text None)."""

    text: str | None
    problem: str = ""


def read_text(
    picture: Image.Image,
    *,
    command: str,
    seconds: float,
    enough: Callable[[str], bool],
) -> Reading:
    """QR codes and OCR'd text, in passes until enough(text) or all passes ran, within
    `seconds` overall. Tesseract missing, failing or too slow gives text None."""
    import pytesseract
    import zxingcpp

    found = [code.text for code in zxingcpp.read_barcodes(picture) if code.text]
    if found and enough("\n".join(found)):
        return Reading("\n".join(found))
    page = _for_ocr(picture)
    low, high = cast(tuple[float, float], page.getextrema())  # one band ("L"): (min, max)
    if high - low < 16:  # one flat colour: there is no text to read
        return Reading("\n".join(found))
    pytesseract.pytesseract.tesseract_cmd = command
    deadline = time.monotonic() + seconds
    for lang, psm in OCR_PASSES:
        left = deadline - time.monotonic()
        if left <= 0:
            return Reading(None, "timeout")
        try:
            text = pytesseract.image_to_string(page, lang=lang, config=f"--psm {psm}", timeout=left)
        except pytesseract.TesseractNotFoundError:
            return Reading(None, "tesseract not installed")
        except pytesseract.TesseractError as error:
            return Reading(None, f"tesseract failed ({error.status})")
        except RuntimeError:  # pytesseract's "Tesseract process timeout"
            return Reading(None, "timeout")
        found.append(text)
        if enough("\n".join(found)):
            break
    return Reading("\n".join(found))


def _for_ocr(picture: Image.Image) -> Image.Image:
    """Dark text on light, big enough: dark mode is inverted, phone-sized images enlarged."""
    from PIL import Image, ImageOps, ImageStat

    page = picture.convert("L")
    if ImageStat.Stat(page).mean[0] < 110:
        page = ImageOps.invert(page)
    if page.width < 900:
        page = page.resize((page.width * 2, page.height * 2), Image.Resampling.LANCZOS)
    return page
