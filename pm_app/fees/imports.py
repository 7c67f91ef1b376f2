"""The all-or-nothing import of historical bills and payments from a CSV or XLSX file.

It follows the household import (`org.imports`): errors keyed by the row number a person sees in
the spreadsheet ("1" the header, "file" a file that cannot be read), rows written in chunks inside
a savepoint while the file is read, the first bad row stops the writing and the savepoint undoes
what went in before it, and reading goes on to the end so that every bad row is named.

Unlike the household import it is idempotent: a bill already billed at the same amount counts as
existing, and each payment row carries a key derived from what it says (`import_book.payment_key`),
so the same file imported again writes nothing.
"""
from __future__ import annotations

from contextlib import closing
from dataclasses import dataclass
from typing import IO

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from pm_app.common.inputs import RowProblems
from pm_app.errors import Conflict, DomainError
from pm_app.extensions import db
from pm_app.fees.billing import can_bill
from pm_app.fees.import_book import BillBook
from pm_app.fees.import_rows import ALIASES, REQUIRED, RowReader
from pm_app.org.import_files import UnreadableFile, read_rows
from pm_app.org.import_rows import read_header
from pm_app.org.imports import lock_compound, refusal
from pm_app.org.models import Building, Compound, Household
from pm_app.org.services import can_manage_compound, current_contract, ensure


@dataclass(frozen=True)
class BillImportResult:
    compound_id: int
    rows: int
    bills_created: int
    bills_existing: int
    payments_created: int
    payments_existing: int


def can_import_bills(user, compound: Compound) -> bool:
    """History is imported by whoever bills the compound now: its street office and the city, or
    the firm holding its current contract (which then imports only the periods it billed)."""
    return can_bill(user, compound, current_contract(compound.id))


def import_bills(user, compound: Compound, upload: IO[bytes]) -> BillImportResult:
    """Import every row of `upload` or none; DomainError(422) names each bad row."""
    ensure(can_import_bills(user, compound), _l("import bills into this compound"))
    firm_only = None if can_manage_compound(user, compound) else user.firm_id
    lock_compound(compound.id)
    reader = RowReader(_households(compound.id))
    try:
        with db.session.begin_nested():
            book = BillBook(compound.id, user.id, firm_only)
            errors = _read(upload, reader, book)
            if not errors and book.rows == 0:
                errors["file"] = [_("The file has a header but no bills.")]
            if errors:
                raise DomainError(refusal(errors), _in_row_order(errors))  # leaving the block undoes the savepoint
    except IntegrityError:
        # A bill or payment of the file was written by someone else while the file was being read.
        raise Conflict(_("A bill or payment in the file was recorded by someone else meanwhile; nothing was "
                         "imported. Upload the file again to see which.")) from None
    return BillImportResult(compound.id, **vars(book.counts()))


def _read(upload: IO[bytes], reader: RowReader, book: BillBook) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = RowProblems()  # the first MAX_PROBLEMS rows, and the count
    try:
        with closing(read_rows(upload)) as rows:
            header_number, columns, problems = read_header(rows, ALIASES, REQUIRED)
            if problems:
                errors[str(header_number)] = problems
                return errors  # without a sound header no row can be read for sure
            for number, row, problems in reader.read(rows, columns):
                if problems:
                    errors[str(number)] = problems
                else:
                    book.add(number, row, errors)
            book.settle(errors)  # the last, partial chunk
    except UnreadableFile as exc:
        errors["file"] = [str(exc)]
    return errors


def _in_row_order(errors: dict) -> dict:
    # Rules across rows are checked a chunk at a time, after the rows' own checks have reported.
    return dict(sorted(errors.items(), key=lambda item: (item[0].isdigit(), int(item[0]) if item[0].isdigit() else 0)))


def _households(compound_id: int) -> dict[str, dict[str, int]]:
    """building name → unit → household id, for the whole compound in one query."""
    households: dict[str, dict[str, int]] = {}
    for building, unit, household_id in db.session.execute(
            select(Building.name, Household.unit, Household.id).join(Building, Building.id == Household.building_id)
            .where(Household.compound_id == compound_id)):
        households.setdefault(building, {})[unit] = household_id
    return households


def run(user, target, stream: IO[bytes], options=None, progress=None) -> dict:
    """The registry's entry (common.imports.registry): the import as a dict, all or nothing."""
    from dataclasses import asdict
    return asdict(import_bills(user, target, stream))


def preview(user, target, stream: IO[bytes], options=None, limit: int = 20) -> dict:
    raise NotImplementedError  # the framework's preview replaces this stub
