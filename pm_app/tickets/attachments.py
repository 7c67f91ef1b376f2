"""Photos on a ticket. The type is read from the file's first bytes, never from its name or the
browser's claim; the size is checked while reading, so an oversized file is never held whole.
Files are stored under a random name in ATTACHMENTS_DIR (default `<instance>/attachments`), one
folder per ticket; the original name is kept only as a label."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import IO

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from pm_app.common.clock import now
from pm_app.errors import DomainError
from pm_app.extensions import db
from pm_app.locks import locked
from pm_app.org.services import ensure
from pm_app.tickets.models import Ticket, TicketAttachment
from pm_app.tickets.workflow import FINISHED

# What a phone camera or a screenshot produces. No SVG (it can carry script), no HEIC (browsers
# cannot show it; phones convert to JPEG when uploading through a web form).
SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
)
CHUNK = 64 * 1024


def folder() -> Path:
    configured = current_app.config.get("ATTACHMENTS_DIR")
    return Path(configured) if configured else Path(current_app.config["INSTANCE_DIR"]) / "attachments"


def sniff(head: bytes) -> tuple[str, str] | None:
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", ".webp"
    return next(((kind, ext) for magic, kind, ext in SIGNATURES if head.startswith(magic)), None)


def can_attach(user, ticket: Ticket) -> bool:
    """Whoever takes part in the ticket (office, assignee, committee); the public at reporting."""
    from pm_app.tickets.services import parties

    return user is None or bool(parties(user, ticket))


def attach(user, ticket: Ticket, upload: IO[bytes], filename: str | None) -> TicketAttachment:
    """Check and store one photo. Refusals name the field `photo` and say what is wrong."""
    if user is not None:
        ensure(can_attach(user, ticket), _l("add photos to this ticket"))
    # The ticket's row lock makes concurrent uploads count one after another: twelve at once
    # stored seven against a limit of six when each counted before any had inserted (issue 23).
    ticket = locked(ticket)
    if ticket.status in FINISHED:
        raise DomainError(_("A closed or rejected ticket takes no more photos."), {"photo": [_("ticket finished")]})
    limit = current_app.config["TICKET_PHOTOS_PER_TICKET"]
    count = db.session.scalar(select(func.count()).where(TicketAttachment.ticket_id == ticket.id))
    if count >= limit:
        raise DomainError(_("A ticket holds at most %(n)d photos.", n=limit), {"photo": [_("at most %(n)d", n=limit)]})
    head = upload.read(16)
    kind = sniff(head)
    if kind is None:
        raise DomainError(
            _("Only JPEG, PNG or WebP photos are accepted."), {"photo": [_("not a JPEG, PNG or WebP image")]}
        )
    content_type, extension = kind
    stored_name = secrets.token_hex(16) + extension
    target = folder() / str(ticket.id) / stored_name
    size = _write(upload, head, target)
    record = TicketAttachment(
        ticket_id=ticket.id,
        stored_name=stored_name,
        content_type=content_type,
        size=size,
        original_name=Path(filename or "photo").name[:128] or "photo",
        uploaded_by_id=getattr(user, "id", None),
        # the clock the ticket's steps use: the tracking page compares the two
        created_at=now(),
    )
    db.session.add(record)
    db.session.flush()
    return record


def _write(upload: IO[bytes], head: bytes, target: Path) -> int:
    limit = current_app.config["TICKET_PHOTO_MAX_BYTES"]
    return write_limited(
        upload,
        head,
        target,
        limit,
        lambda: DomainError(
            _("A photo may be at most %(mb)s MB.", mb=_megabytes(limit)),
            {"photo": [_("larger than %(mb)s MB", mb=_megabytes(limit))]},
            status=413,
        ),
    )


def write_limited(upload: IO[bytes], head: bytes, target: Path, limit: int, too_large) -> int:
    """Stream `head` then the rest of `upload` to `target` through a `.part` file, raising
    `too_large()` past `limit` bytes (nothing is left behind); the size written."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    size = len(head)
    try:
        with partial.open("wb") as out:
            out.write(head)
            while chunk := upload.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise too_large()
                out.write(chunk)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return size


def _megabytes(limit: int) -> str:
    return f"{limit / 1024 / 1024:.2g}"


def path_of(record: TicketAttachment) -> Path:
    return folder() / str(record.ticket_id) / record.stored_name


def send(record: TicketAttachment, download_name: str | None = None):
    """The stored photo as a response. Uploaded by others: never let a browser guess another
    type or run anything in it, and keep it out of shared caches."""
    from flask import send_file

    response = send_file(path_of(record), mimetype=record.content_type, max_age=3600, download_name=download_name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'"
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


def discard(records: list[TicketAttachment]) -> None:
    """Remove the files of photos whose rows were rolled back (a refused report)."""
    for record in records:
        path_of(record).unlink(missing_ok=True)
