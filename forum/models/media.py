"""Images: content-addressed blobs and their attachments to posts and notes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Model, utcnow
from .core import Post, TicketNote


class MediaBlob(Model):
    """A re-encoded image, stored once per content (SHA-256 of the stored bytes): every host
    reads it from the database, so several hosts need no shared disk (docs/deploy.md)."""

    __tablename__ = "media_blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)  # read only to serve
    mime: Mapped[str] = mapped_column(String(16))  # image/png, image/jpeg or image/webp
    size: Mapped[int] = mapped_column(Integer)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Attachment(Model):
    """An image in a post or an internal note. Pending (neither set) until its form is sent;
    held images (OCR could not run) show only to the uploader and staff until released."""

    __tablename__ = "attachments"
    __table_args__ = (Index("ix_attachments_post", "post_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uploader_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id"))
    note_id: Mapped[int | None] = mapped_column(ForeignKey("ticket_notes.id"), index=True)
    blob_sha256: Mapped[str] = mapped_column(ForeignKey("media_blobs.sha256"), index=True)
    thumb_sha256: Mapped[str] = mapped_column(ForeignKey("media_blobs.sha256"), index=True)
    alt: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    # Kinds of personal data the guard read in the picture (comma-separated, never the text):
    # a public post needs the author's "post it anyway".
    personal_kinds: Mapped[str] = mapped_column(String(100), default="")
    held: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    removed_at: Mapped[datetime | None] = mapped_column(DateTime)
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    blob: Mapped[MediaBlob] = relationship(foreign_keys=[blob_sha256])
    thumb: Mapped[MediaBlob] = relationship(foreign_keys=[thumb_sha256])
    post: Mapped[Post | None] = relationship()
    note: Mapped[TicketNote | None] = relationship()
