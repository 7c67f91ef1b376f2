"""Documents handed over with the works (竣工资料): drawings, the underground pipe drawing, the
handover list. Seed 004 §六(七): "验收通过后…做好竣工项目的资料整理、归档和移交工作"; seed 002
says what goes missing and what it costs the next renovation: "有的只有总平图却缺失地下综合管线图".

The checklist names the kinds every project hands over; the project page shows which are
missing. Files are checked like ticket photos: the type is read from the first bytes, never the
name; the size is checked while reading; stored under a random name, one folder per project.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import IO

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from pm_app.errors import DomainError
from pm_app.extensions import db
from pm_app.org.services import ensure
from pm_app.tickets.attachments import folder as attachments_folder
from pm_app.tickets.attachments import write_limited
from pm_app.warranties.acceptance_models import DocumentKind, ProjectDocument
from pm_app.warranties.models import RenovationProject
from pm_app.warranties.services import can_manage_works

REQUIRED = (
    DocumentKind.site_plan,
    DocumentKind.pipe_network,
    DocumentKind.as_built,
    DocumentKind.acceptance_report,
    DocumentKind.handover_list,
)
# Scans and drawings as they are exchanged: PDF, photographs of paper sheets, AutoCAD drawings.
SIGNATURES = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"AC10", "image/vnd.dwg", ".dwg"),
)
DEFAULT_MAX_BYTES = 20 * 1024 * 1024


def documents_of(project_id: int) -> list[ProjectDocument]:
    return list(
        db.session.scalars(
            select(ProjectDocument)
            .where(ProjectDocument.project_id == project_id)
            .order_by(ProjectDocument.kind, ProjectDocument.id)
        )
    )


def missing(documents: list[ProjectDocument]) -> list[DocumentKind]:
    present = {d.kind for d in documents}
    return [kind for kind in REQUIRED if kind not in present]


def checklist(documents: list[ProjectDocument]) -> list[tuple[DocumentKind, bool, list[ProjectDocument]]]:
    """(kind, required, its documents) for every kind: the required ones first, then `other`."""
    return [
        (kind, kind in REQUIRED, [d for d in documents if d.kind == kind]) for kind in (*REQUIRED, DocumentKind.other)
    ]


def attach(
    user, project: RenovationProject, kind: DocumentKind, title: str | None, upload: IO[bytes], filename: str | None
) -> ProjectDocument:
    """Check and store one document. Refusals name the field `file`."""
    ensure(can_manage_works(user, project.compound), _l("hand over documents of this project"))
    head = upload.read(16)
    found = next(((ctype, ext) for magic, ctype, ext in SIGNATURES if head.startswith(magic)), None)
    if found is None:
        raise DomainError(
            _("Only PDF, JPEG, PNG or DWG files are accepted."), {"file": [_("not a PDF, JPEG, PNG or DWG file")]}
        )
    content_type, extension = found
    stored_name = secrets.token_hex(16) + extension
    size = _write(upload, head, _folder(project.id) / stored_name)
    original = Path(filename or "document").name[:128] or "document"
    record = ProjectDocument(
        project_id=project.id,
        kind=kind,
        title=(title or "").strip()[:128] or original,
        stored_name=stored_name,
        original_name=original,
        content_type=content_type,
        size=size,
        uploaded_by_id=user.id,
    )
    db.session.add(record)
    db.session.flush()
    return record


def _folder(project_id: int) -> Path:
    return attachments_folder() / "projects" / str(project_id)


def _write(upload: IO[bytes], head: bytes, target: Path) -> int:
    limit = current_app.config.get("PROJECT_DOCUMENT_MAX_BYTES", DEFAULT_MAX_BYTES)
    mb = f"{limit / 1024 / 1024:.2g}"
    return write_limited(
        upload,
        head,
        target,
        limit,
        lambda: DomainError(
            _("A document may be at most %(mb)s MB.", mb=mb), {"file": [_("larger than %(mb)s MB", mb=mb)]}, status=413
        ),
    )


def path_of(record: ProjectDocument) -> Path:
    return _folder(record.project_id) / record.stored_name


def discard(record: ProjectDocument) -> None:
    """Remove the file of a document whose row was rolled back."""
    path_of(record).unlink(missing_ok=True)


def send(record: ProjectDocument):
    """Always a download: uploaded by others, never shown in the app's origin."""
    from flask import send_file

    response = send_file(
        path_of(record),
        mimetype=record.content_type,
        as_attachment=True,
        download_name=f"project-{record.project_id}-{record.id}{Path(record.stored_name).suffix}",
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'"
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response
