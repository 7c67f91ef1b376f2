"""The all-or-nothing import of a project's warranty items from a CSV or XLSX file: the list of
works a contractor hands over at acceptance, typed in once rather than item by item. Reading, the
header and the row loop are common.imports'; the columns and row rules `warranties.import_columns`'.

Rows are written in chunks inside a savepoint while the file is read; the first bad row stops the
writing and the savepoint undoes what went in before it. It is not idempotent: items have no
natural key (two equal rows may be two stretches of paving), so the same file imported twice adds
its items twice.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import IO

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import insert

from pm_app.common.imports.preview import preview_file
from pm_app.common.imports.registry import Options
from pm_app.common.imports.report import RowProblems, refusal
from pm_app.common.imports.rows import read_file
from pm_app.errors import DomainError
from pm_app.extensions import db
from pm_app.org.services import ensure
from pm_app.warranties.import_columns import LAYOUT, RowReader
from pm_app.warranties.models import RenovationProject, WarrantyItem
from pm_app.warranties.services import can_manage_works

CHUNK = 1000  # rows per INSERT round trip; a project's list of works is rarely longer


@dataclass(frozen=True)
class ItemImportResult:
    project_id: int
    imported: int
    report: dict = field(default_factory=dict)  # rows skipped and why, columns ignored


def import_items(
    user, project: RenovationProject, upload: IO[bytes], options: Options | None = None, progress=None
) -> ItemImportResult:
    """Import every row of `upload` or none; DomainError(422) names each bad row."""
    ensure(can_manage_works(user, project.compound), _l("add warranty items to this project"))
    with db.session.begin_nested():
        errors = RowProblems()
        writer = _Writer(errors)
        outcome = read_file(upload, LAYOUT, RowReader(project).check, writer.add, options, progress, errors=errors)
        if not errors and writer.imported == 0:
            errors["file"] = [_("The file has a header but no warranty items.")]
        if errors:
            raise DomainError(refusal(errors), errors)  # leaving the block undoes the savepoint
        writer.finish()
    return ItemImportResult(project.id, writer.imported, outcome.skipped.as_dict())


def run(user, project: RenovationProject, stream: IO[bytes], options: Options | None = None, progress=None) -> dict:
    """The registry's entry (common.imports.registry)."""
    result = asdict(import_items(user, project, stream, options, progress))
    return {**result.pop("report"), **result}


def preview(
    user, project: RenovationProject, stream: IO[bytes], options: Options | None = None, limit: int = 20
) -> dict:
    ensure(can_manage_works(user, project.compound), _l("add warranty items to this project"))
    return preview_file(stream, LAYOUT, RowReader(project).check, options, limit, _shown)


def _shown(values: dict) -> dict:
    return {
        name: values.get(name)
        for name in (
            "category_id",
            "description",
            "quantity",
            "unit",
            "location",
            "warranty_years",
            "warranty_start",
            "warranty_end",
        )
    }


class _Writer:
    """Buffers checked rows and inserts them CHUNK at a time; stops writing at the first bad row."""

    def __init__(self, errors: dict):
        self.errors = errors
        self.buffer: list[dict] = []
        self.imported = 0

    def add(self, _number: int, values: dict) -> None:
        self.imported += 1
        if self.errors:
            return
        self.buffer.append(values)
        if len(self.buffer) >= CHUNK:
            self.finish()

    def finish(self) -> None:
        if self.buffer:
            db.session.execute(insert(WarrantyItem), self.buffer)
            self.buffer = []
