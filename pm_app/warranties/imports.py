"""The all-or-nothing import of a project's warranty items from a CSV or XLSX file: the list of
works a contractor hands over at acceptance, typed in once rather than item by item.

It follows the household and bill imports (`org.imports`, `fees.imports`): errors keyed by the
row number a person sees in the spreadsheet ("1" the header, "file" a file that cannot be read),
rows written in chunks inside a savepoint while the file is read, the first bad row stops the
writing and the savepoint undoes what went in before it, and reading goes on to the end so that
every bad row is named.

It is not idempotent: items have no natural key (two equal rows may be two stretches of paving),
so the same file imported twice adds its items twice.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import IO

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import insert

from pm_app.errors import DomainError
from pm_app.extensions import db
from pm_app.org.imports import read_checked, refusal
from pm_app.org.services import ensure
from pm_app.warranties.import_rows import ALIASES, REQUIRED, RowReader
from pm_app.warranties.models import RenovationProject, WarrantyItem
from pm_app.warranties.services import can_manage_works

CHUNK = 1000  # rows per INSERT round trip; a project's list of works is rarely longer


@dataclass(frozen=True)
class ItemImportResult:
    project_id: int
    imported: int


def import_items(user, project: RenovationProject, upload: IO[bytes]) -> ItemImportResult:
    """Import every row of `upload` or none; DomainError(422) names each bad row."""
    ensure(can_manage_works(user, project.compound), _l("add warranty items to this project"))
    with db.session.begin_nested():
        writer = _Writer()
        errors = _read(upload, RowReader(project), writer)
        if not errors and writer.imported == 0:
            errors["file"] = [_("The file has a header but no warranty items.")]
        if errors:
            raise DomainError(refusal(errors), errors)  # leaving the block undoes the savepoint
        writer.finish()
    return ItemImportResult(project.id, writer.imported)


def _read(upload: IO[bytes], reader: RowReader, writer: _Writer) -> dict[str, list[str]]:
    return read_checked(upload, reader.read, writer.add, ALIASES, REQUIRED)


class _Writer:
    """Buffers checked rows and inserts them CHUNK at a time."""

    def __init__(self):
        self.buffer: list[dict] = []
        self.imported = 0

    def add(self, values: dict) -> None:
        self.buffer.append(values)
        self.imported += 1
        if len(self.buffer) >= CHUNK:
            self.finish()

    def finish(self) -> None:
        if self.buffer:
            db.session.execute(insert(WarrantyItem), self.buffer)
            self.buffer = []


def run(user, target, stream: IO[bytes], options=None, progress=None) -> dict:
    """The registry's entry (common.imports.registry): the import as a dict, all or nothing."""
    from dataclasses import asdict
    return asdict(import_items(user, target, stream))


def preview(user, target, stream: IO[bytes], options=None, limit: int = 20) -> dict:
    raise NotImplementedError  # the framework's preview replaces this stub
