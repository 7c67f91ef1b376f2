"""The all-or-nothing household import: a CSV or XLSX file of a compound's households goes in
whole, or not at all.

Errors are keyed as a person finds them in the file: "1" is the header row, "7" the seventh row
of the sheet (blank rows count, as they do on screen), "file" a file that cannot be read at all.
Rows are written in chunks while the file is read, inside a savepoint: memory stays flat however
long the file is, and the first bad row stops the writing and the savepoint undoes what went in
before it, buildings included. Reading goes on to the end so that every bad row is named.
"""
from __future__ import annotations

from contextlib import closing
from dataclasses import dataclass
from typing import IO

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from pm_app.common.inputs import RowProblems
from pm_app.errors import Conflict, DomainError
from pm_app.extensions import db
from pm_app.org.import_files import UnreadableFile, read_rows
from pm_app.org.import_rows import RowChecker, read_header
from pm_app.org.models import Building, Compound, Household
from pm_app.org.services import can_manage_households, ensure

CHUNK = 5000  # rows per INSERT round trip: large enough to be fast, small enough to stay flat


@dataclass(frozen=True)
class ImportResult:
    compound_id: int
    imported: int
    buildings_created: int


def import_households(user, compound: Compound, upload: IO[bytes]) -> ImportResult:
    """Import every row of `upload` or none; DomainError(422) names each bad row."""
    ensure(can_manage_households(user, compound), _l("import households into this compound"))
    lock_compound(compound.id)
    buildings, registered = _existing_units(compound.id)
    try:
        with db.session.begin_nested():
            writer = _Writer(compound.id, buildings)
            errors = _read(upload, RowChecker(registered), writer)
            if not errors and writer.imported == 0:
                errors["file"] = [_("The file has a header but no households.")]
            if errors:
                raise DomainError(refusal(errors), errors)  # leaving the block undoes the savepoint
            writer.finish()
    except IntegrityError:
        # Someone added one of these units while the file was being read.
        raise Conflict(_("A unit in the file was registered by someone else meanwhile; nothing was imported. "
                         "Upload the file again to see which.")) from None
    return ImportResult(compound.id, writer.imported, writer.buildings_created)


def _read(upload: IO[bytes], checker: RowChecker, writer: _Writer) -> dict[str, list[str]]:
    return read_checked(upload, checker.check, writer.add)


def read_checked(upload: IO[bytes], check, add, aliases: dict | None = None,
                 required=None) -> dict[str, list[str]]:
    """Read a file row by row: `check(rows, columns)` yields (number, values, problems) and good
    rows go to `add` until the first problem; problems are collected, keyed by row number (the
    first MAX_PROBLEMS rows of them, and the count of the rest)."""
    errors: dict[str, list[str]] = RowProblems()
    try:
        with closing(read_rows(upload)) as rows:
            header = read_header(rows) if aliases is None else read_header(rows, aliases, required)
            header_number, columns, problems = header
            if problems:
                errors[str(header_number)] = problems
                return errors  # without a sound header no row can be read for sure
            for number, values, problems in check(rows, columns):
                if problems:
                    errors[str(number)] = problems
                elif not errors:
                    add(values)
    except UnreadableFile as exc:
        errors["file"] = [str(exc)]
    return errors


def refusal(errors: dict) -> str:
    """The one sentence above a refused file's rows; the bill import says it too."""
    if isinstance(errors, RowProblems):
        errors.summarise()
    rows = getattr(errors, "rows", None) or sum(1 for key in errors if key.isdigit())
    if not rows:
        return _("The file could not be read; nothing was imported.")
    return ngettext("%(num)d row has problems; nothing was imported.",
                    "%(num)d rows have problems; nothing was imported.", rows)


def lock_compound(compound_id: int) -> None:
    # Two imports into one compound take turns (PostgreSQL row lock; SQLite serialises writers
    # anyway), so the second sees what the first wrote (units, bills, payments) as already there.
    db.session.execute(select(Compound.id).where(Compound.id == compound_id).with_for_update())


def _existing_units(compound_id: int) -> tuple[dict[str, int], dict[str, set[str]]]:
    """The compound's buildings (name → id) and their registered units (name → units), in one query."""
    rows = db.session.execute(
        select(Building.id, Building.name, Household.unit)
        .outerjoin(Household, Household.building_id == Building.id)
        .where(Building.compound_id == compound_id))
    buildings: dict[str, int] = {}
    registered: dict[str, set[str]] = {}
    for building_id, name, unit in rows:
        buildings[name] = building_id
        if unit is not None:
            registered.setdefault(name, set()).add(unit)
    return buildings, registered


class _Writer:
    """Buffers checked rows and inserts them CHUNK at a time, creating buildings on first use."""

    def __init__(self, compound_id: int, buildings: dict[str, int]):
        self.compound_id = compound_id
        self.buildings = buildings
        self.buffer: list[dict] = []
        self.imported = 0
        self.buildings_created = 0

    def add(self, values: dict) -> None:
        building_id = self.buildings.get(values["building"])
        if building_id is None:
            building_id = self._create_building(values["building"])
        self.buffer.append({"compound_id": self.compound_id, "building_id": building_id, "unit": values["unit"],
                            "floor_area_dm2": values["floor_area_dm2"], "owner_name": values["owner_name"],
                            "owner_phone": values["owner_phone"]})
        self.imported += 1
        if len(self.buffer) >= CHUNK:
            self.finish()

    def finish(self) -> None:
        if self.buffer:
            db.session.execute(insert(Household), self.buffer)
            self.buffer = []

    def _create_building(self, name: str) -> int:
        # Few per file (a compound has tens of buildings), so one INSERT each is fine.
        building_id = db.session.scalar(insert(Building).values(compound_id=self.compound_id, name=name)
                                        .returning(Building.id))
        self.buildings[name] = building_id
        self.buildings_created += 1
        return building_id


def run(user, target, stream: IO[bytes], options=None, progress=None) -> dict:
    """The registry's entry (common.imports.registry): the import as a dict, all or nothing."""
    from dataclasses import asdict
    return asdict(import_households(user, target, stream))


def preview(user, target, stream: IO[bytes], options=None, limit: int = 20) -> dict:
    raise NotImplementedError  # the framework's preview replaces this stub
