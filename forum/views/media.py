"""Images: upload by script (one per request, with progress), serving from our own origin
under /media/<id>.<ext> (no user file names, nothing that can run), staff removal; plus the
helpers that read the images sent with a post or note form."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import attachments, media
from ..attachments import Sent
from ..errors import DomainError
from .limits import per_account

bp = Blueprint("media", __name__)
IMAGE_CSP = "default-src 'none'; sandbox"


@bp.post("/media/upload")
@login_required
@per_account("FORUM_UPLOAD_RATE_LIMIT")
def upload():
    file = request.files.get("image")
    if file is None:
        return {"error": _("Please choose an image.")}, 400
    try:
        attachment = media.upload(current_user, _read(file), file.filename or "")
    except DomainError as error:
        secret = isinstance(error, attachments.SecretInImage)
        return {"error": str(error.message), "secret": secret}, 422
    return described(attachment)


@bp.get("/media/<id:attachment_id>.<ext>")
def show(attachment_id: int, ext: str):
    return _send(media.get_file(current_user, attachment_id, ext))


@bp.get("/media/<id:attachment_id>/thumb.<ext>")
def thumb(attachment_id: int, ext: str):
    return _send(media.get_file(current_user, attachment_id, ext, thumb=True))


@bp.post("/media/<id:attachment_id>/remove")
@login_required
def remove(attachment_id: int):
    attachment = media.remove(current_user, attachment_id)
    flash(_("The image is removed."), "success")
    return redirect(_back_to(attachment))


@bp.post("/media/<id:attachment_id>/release")
@login_required
def release(attachment_id: int):
    attachment = media.release(current_user, attachment_id)
    flash(_("The image is published."), "success")
    return redirect(_back_to(attachment))


def _send(file: media.File) -> Response:
    """Exact type, no sniffing, no scripts; private images are never stored by anyone."""
    if request.if_none_match.contains(file.sha256):
        response = Response(status=304)
    else:
        response = Response(file.data, mimetype=file.mime)
    response.set_etag(file.sha256)
    response.headers["Content-Security-Policy"] = IMAGE_CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    # Public images revalidate each time (cheap 304s), so an escalated thread's images stop
    # at once; private ones are never kept.
    response.headers["Cache-Control"] = "private, no-store" if file.private else "no-cache"
    return response


def _read(file) -> bytes:
    """At most one byte more than the limit: enough to refuse a larger file."""
    return file.read(current_app.config["FORUM_MAX_IMAGE_BYTES"] + 1)


def _back_to(attachment) -> str:
    if attachment.post is not None:
        return url_for("threads.show", thread_id=attachment.post.thread_id,
                       _anchor=f"p{attachment.post_id}")  # fmt: skip
    if attachment.note is not None:
        return url_for("threads.show", thread_id=attachment.note.thread_id, _anchor="notes")
    return url_for("main.index")


def described(attachment) -> dict:
    """What the upload script shows: the thumbnail and the id to send with the form."""
    return {
        "id": attachment.id,
        "alt": attachment.alt,
        "thumb": image_url(attachment, thumb=True),
        "url": image_url(attachment),
        "held": attachment.held,
    }


def image_url(attachment, *, thumb: bool = False) -> str:
    blob = attachment.thumb if thumb else attachment.blob
    endpoint = "media.thumb" if thumb else "media.show"
    return url_for(endpoint, attachment_id=attachment.id, ext=attachments.extension(blob))


def sent_images() -> Sent:
    """The images sent with the current form: ids uploaded by script (or kept from a refused
    submit) with their alt texts, then files chosen in the plain file input, stored now one
    by one (g.sent_images keeps what is stored if a later one is refused)."""
    ids = [int(v) for v in request.form.getlist("attachment") if v.isdigit()]
    alts = tuple((i, request.form.get(f"alt_{i}", "")) for i in ids)
    g.sent_images = Sent(tuple(ids), alts)
    files = [f for f in request.files.getlist("images") if f.filename]
    media.check_room(len(ids) + len(files))
    for file in files:
        if file.filename:
            stored = media.upload(current_user, _read(file), file.filename, already=len(ids))
            ids.append(stored.id)
            g.sent_images = Sent(tuple(ids), alts)
    return g.sent_images


def pending_images() -> list:
    """The images sent with a form that is shown again (refused, or the similar-threads step)."""
    sent = g.get("sent_images")
    return media.pending(current_user, sent) if sent else []
