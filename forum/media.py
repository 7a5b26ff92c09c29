"""Images as their own actions: upload (before the form is sent), serve with the privacy of
what they are attached to, staff removal and release, and the operator's orphan clean-up.
Imports permissions, attachments, events, models.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import delete, select, union
from sqlalchemy.orm import joinedload

from . import attachments, permissions
from .attachments import Sent
from .events import audit
from .extensions import db
from .models import Attachment, MediaBlob, Post, TicketNote, User, utcnow


def upload(actor: User, raw: bytes, filename: str, *, already: int = 0) -> Attachment:
    """Store one image for a form not sent yet, which has `already` images (refused if it
    shows a secret or is one too many)."""
    permissions.require(permissions.can_upload_image(actor))
    attachments.check_count(already + 1)
    attachment = attachments.store_upload(actor, raw, filename)
    db.session.commit()
    return attachment


def check_room(count: int) -> None:
    """Refuse a form with too many images before storing any of them."""
    attachments.check_count(count)


def pending(actor: User, sent: Sent) -> list[Attachment]:
    """The actor's images sent with a form that was refused, to show them again."""
    return attachments.pending(actor, sent.ids) if actor.is_authenticated else []


def for_posts(viewer, post_ids: list[int]) -> dict[int, list[Attachment]]:
    """The images of posts on a page that the viewer sees, by post id (one query)."""
    return attachments.shown_with(Attachment.post_id, post_ids, viewer)


def for_notes(viewer, notes: list[TicketNote]) -> dict[int, list[Attachment]]:
    """The images of internal notes (the caller already showed the notes: staff only)."""
    return attachments.shown_with(Attachment.note_id, [n.id for n in notes], viewer)


@dataclass(frozen=True)
class File:
    """What the media URL answers: bytes, type, content hash and whether it is private."""

    data: bytes
    mime: str
    sha256: str
    private: bool


def get_file(viewer, attachment_id: int, ext: str, *, thumb: bool = False) -> File:
    """An image the viewer may see (404 otherwise, also for a wrong extension)."""
    attachment = db.session.scalar(
        select(Attachment)
        .where(Attachment.id == attachment_id)
        .options(joinedload(Attachment.post).joinedload(Post.thread))
        .options(joinedload(Attachment.note).joinedload(TicketNote.thread))
    )
    attachment = permissions.require_found(attachment)
    permissions.require_visible(permissions.can_view_attachment(viewer, attachment))
    blob = attachment.thumb if thumb else attachment.blob
    permissions.require_visible(attachments.extension(blob) == ext)
    post = attachment.post  # a note's image (tickets) has none: private
    private = post is None or post.thread.is_private or attachment.held or post.is_deleted
    return File(_bytes_of(blob), blob.mime, blob.sha256, private)


def _bytes_of(blob: MediaBlob) -> bytes:
    """From this host's disk copy, else the database (then kept on disk: never stale,
    the name is the content's hash)."""
    folder = Path(current_app.config["FORUM_MEDIA_CACHE_DIR"]) / blob.sha256[:2]
    path = folder / blob.sha256
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    data = db.session.scalars(select(MediaBlob.data).where(MediaBlob.sha256 == blob.sha256)).one()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except OSError:  # a full or read-only disk only costs the cache
        current_app.logger.warning("media cache not writable")
    return data


def remove(actor: User, attachment_id: int) -> Attachment:
    """Staff take an image off its post or note; it is no longer served; audited."""
    attachment = _for_staff(actor, attachment_id)
    attachment.removed_at, attachment.removed_by_id = utcnow(), actor.id
    audit(actor, "image_remove", attachment, post=attachment.post_id, note=attachment.note_id)
    db.session.commit()
    return attachment


def release(actor: User, attachment_id: int) -> Attachment:
    """Staff looked at a held image (OCR could not read it) and publish it; audited."""
    attachment = _for_staff(actor, attachment_id)
    attachment.held = False
    audit(actor, "image_release", attachment, post=attachment.post_id, note=attachment.note_id)
    db.session.commit()
    return attachment


def _for_staff(actor: User, attachment_id: int) -> Attachment:
    attachment = permissions.require_found(db.session.get(Attachment, attachment_id))
    permissions.require_visible(permissions.can_view_attachment(actor, attachment))
    permissions.require(permissions.can_remove_attachment(actor, attachment))
    return attachment


def orphans(hours: int) -> tuple[list[int], list[str]]:
    """Images uploaded more than `hours` ago and never sent, and blobs nothing refers to."""
    cutoff = utcnow() - timedelta(hours=hours)
    stale = db.session.scalars(
        select(Attachment.id)
        .where(Attachment.post_id.is_(None), Attachment.note_id.is_(None))
        .where(Attachment.created_at < cutoff)
        .order_by(Attachment.id)
    ).all()
    used = union(
        select(Attachment.blob_sha256.label("sha")).where(Attachment.id.not_in(stale)),
        select(Attachment.thumb_sha256.label("sha")).where(Attachment.id.not_in(stale)),
    ).subquery()
    unused = db.session.scalars(
        select(MediaBlob.sha256).where(MediaBlob.sha256.not_in(select(used.c.sha)))
    ).all()
    return list(stale), list(unused)


def remove_orphans(hours: int) -> tuple[int, int]:
    """Delete what orphans() lists (operator command); returns (attachments, blobs)."""
    stale, unused = orphans(hours)
    if stale:
        db.session.execute(delete(Attachment).where(Attachment.id.in_(stale)))
    if unused:
        db.session.execute(delete(MediaBlob).where(MediaBlob.sha256.in_(unused)))
    db.session.commit()
    folder = Path(current_app.config["FORUM_MEDIA_CACHE_DIR"])
    for sha in unused:
        (folder / sha[:2] / sha).unlink(missing_ok=True)
    return len(stale), len(unused)
