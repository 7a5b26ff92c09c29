"""Images attached to posts and notes: storing an upload (re-encoded, read by the guard,
content-addressed in the database), linking pending uploads to what they were sent with, and
the reads behind pages. Imports images, safety, events, models. Callers check permissions and
commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from . import images, safety
from .errors import DomainError
from .extensions import db
from .models import Attachment, MediaBlob, User


class SecretInImage(DomainError):
    """The picture shows a wallet secret (OCR or QR); it was not stored."""

    def __init__(self, kinds: list[str]) -> None:
        super().__init__(_l("Your image shows a wallet secret and was not posted."), field="images")
        self.kinds = kinds
        self.kept = None  # nothing of the typed text is cut


def limits() -> images.Limits:
    config = current_app.config
    return images.Limits(
        max_bytes=config["FORUM_MAX_IMAGE_BYTES"],
        max_pixels=config["FORUM_MAX_IMAGE_PIXELS"],
        max_side=config["FORUM_MAX_IMAGE_SIDE"],
    )


def max_images() -> int:
    return current_app.config["FORUM_MAX_IMAGES"]


def store_upload(uploader: User, raw: bytes, filename: str) -> Attachment:
    """Re-encode, read and guard one upload; store it as a pending attachment (flushed).
    A secret refuses it before anything is stored; unreadable text holds it for staff."""
    picture, full, thumb = images.process(raw, limits())
    config = current_app.config
    reading = images.read_text(
        picture,
        command=config["FORUM_TESSERACT_CMD"],
        seconds=config["FORUM_OCR_SECONDS"],
        enough=lambda text: bool(safety.find_secrets(text)),
    )
    personal = ""
    if reading.text is None:  # fail closed: not published until staff looked at it
        current_app.logger.warning("image upload held for review: %s", reading.problem)
    else:
        secrets = safety.find_secrets(reading.text)
        if secrets:
            kinds = sorted({f.kind for f in secrets})
            current_app.logger.warning("guard refused an image: %s", ",".join(kinds))
            raise SecretInImage(kinds)
        personal = ",".join(sorted({f.kind for f in safety.find_personal_data(reading.text)}))
    attachment = Attachment(
        uploader_id=uploader.id,
        blob_sha256=_blob(full).sha256,
        thumb_sha256=_blob(thumb).sha256,
        alt=_alt_from(filename),
        personal_kinds=personal[:100],
        held=reading.text is None,
    )
    db.session.add(attachment)
    db.session.flush()
    return attachment


def _blob(encoded: images.Encoded) -> MediaBlob:
    """The stored blob with these bytes (the same picture twice is stored once)."""
    blob = db.session.get(MediaBlob, encoded.sha256)
    if blob is None:
        blob = MediaBlob(sha256=encoded.sha256, data=encoded.data, mime=encoded.mime,
                         size=len(encoded.data), width=encoded.width, height=encoded.height)  # fmt: skip
        db.session.add(blob)
    return blob


def _alt_from(filename: str) -> str:
    """A default alt text: the file name without folders or extension."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return " ".join(stem.replace("_", " ").split())[:200]


def pending(uploader: User, ids: Iterable[int]) -> list[Attachment]:
    """The uploader's own not-yet-sent images among these ids, in the given order."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return []
    rows = db.session.scalars(
        select(Attachment)
        .where(Attachment.id.in_(wanted), Attachment.uploader_id == uploader.id)
        .where(Attachment.post_id.is_(None), Attachment.note_id.is_(None))
        .where(Attachment.removed_at.is_(None))
        .options(joinedload(Attachment.thumb), joinedload(Attachment.blob))
    )
    by_id = {a.id: a for a in rows}
    return [by_id[i] for i in wanted if i in by_id]


@dataclass(frozen=True)
class Sent:
    """Images sent with a form: attachment ids and the alt texts typed for them."""

    ids: tuple[int, ...] = ()
    alts: tuple[tuple[int, str], ...] = ()


def check_count(count: int) -> None:
    if count > max_images():
        raise DomainError(_l("At most %(n)d images per post.", n=max_images()), field="images")


def personal_kinds(found: list[Attachment]) -> list[str]:
    return sorted({kind for a in found for kind in a.personal_kinds.split(",") if kind})


def link(found: list[Attachment], sent: Sent, *, post_id=None, note_id=None) -> None:
    """Attach pending images to a post or note, in order, with their alt texts."""
    alts = dict(sent.alts)
    for position, attachment in enumerate(found):
        attachment.post_id, attachment.note_id = post_id, note_id
        attachment.position = position
        if alts.get(attachment.id, "").strip():
            attachment.alt = " ".join(alts[attachment.id].split())[:200]


def shown_with(owner_column, owner_ids: list[int], viewer) -> dict[int, list[Attachment]]:
    """The images of these posts or notes that the viewer sees, by owner id (one query).
    Held images show only to their uploader and staff; removed ones to nobody."""
    if not owner_ids:
        return {}
    stmt = (
        select(Attachment)
        .where(owner_column.in_(owner_ids), Attachment.removed_at.is_(None))
        .options(joinedload(Attachment.blob), joinedload(Attachment.thumb))
        .order_by(Attachment.position, Attachment.id)
    )
    found: dict[int, list[Attachment]] = {}
    for attachment in db.session.scalars(stmt):
        if attachment.held and not (viewer.is_staff or viewer.id == attachment.uploader_id):
            continue
        owner = attachment.post_id if attachment.post_id is not None else attachment.note_id
        if owner is not None:  # always: owner_column matched one of owner_ids
            found.setdefault(owner, []).append(attachment)
    return found


def extension(blob: MediaBlob) -> str:
    return images.EXTENSION[blob.mime]
