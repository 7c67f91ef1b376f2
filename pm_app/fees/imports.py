"""The all-or-nothing import of historical bills and payments (a fee ledger, 收费台账) from a CSV
or XLSX file. Reading, the header and the row loop are common.imports'; the columns and a row's
own rules are `fees.import_columns`', the rules across rows and the writes `fees.import_book`'s.

Rows are written in chunks inside a savepoint while the file is read; the first bad row stops the
writing and the savepoint undoes what went in before it. It is idempotent: a bill already billed
at the same amount counts as existing, and each payment row carries a key derived from what it
says (`import_keys.payment_key`), so the same file imported again writes nothing.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import IO

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from pm_app.common.imports.addresses import building_key, unit_name
from pm_app.common.imports.preview import preview_file
from pm_app.common.imports.registry import Options
from pm_app.common.imports.report import RowProblems, in_row_order, refusal
from pm_app.common.imports.rows import read_file
from pm_app.errors import Conflict, DomainError
from pm_app.extensions import db
from pm_app.fees.billing import can_bill
from pm_app.fees.import_book import BillBook
from pm_app.fees.import_columns import LAYOUT, RowReader
from pm_app.org.imports import lock_compound
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
    report: dict = field(default_factory=dict)  # rows skipped and why, columns ignored


def can_import_bills(user, compound: Compound) -> bool:
    """History is imported by whoever bills the compound now: its street office and the city, or
    the firm holding its current contract (which then imports only the periods it billed)."""
    return can_bill(user, compound, current_contract(compound.id))


def import_bills(
    user, compound: Compound, upload: IO[bytes], options: Options | None = None, progress=None
) -> BillImportResult:
    """Import every row of `upload` or none; DomainError(422) names each bad row."""
    ensure(can_import_bills(user, compound), _l("import bills into this compound"))
    firm_only = None if can_manage_compound(user, compound) else user.firm_id
    lock_compound(compound.id)
    reader = RowReader(_households(compound.id))
    try:
        with db.session.begin_nested():
            book = BillBook(compound.id, user.id, firm_only)
            errors = RowProblems()
            outcome = read_file(
                upload,
                LAYOUT,
                reader.check,
                lambda number, row: book.add(number, row, errors),
                options,
                progress,
                errors=errors,
            )
            if outcome.header is not None and not outcome.header.problems:
                book.settle(errors)  # the last, partial chunk
            if not errors and book.rows == 0:
                errors["file"] = [_("The file has a header but no bills.")]
            if errors:
                raise DomainError(refusal(errors), in_row_order(errors))  # leaving the block undoes the savepoint
    except IntegrityError:
        # A bill or payment of the file was written by someone else while the file was being read.
        raise Conflict(
            _(
                "A bill or payment in the file was recorded by someone else meanwhile; nothing was "
                "imported. Upload the file again to see which."
            )
        ) from None
    return BillImportResult(compound.id, **vars(book.counts()), report=outcome.skipped.as_dict())


def run(user, compound: Compound, stream: IO[bytes], options: Options | None = None, progress=None) -> dict:
    """The registry's entry (common.imports.registry)."""
    result = asdict(import_bills(user, compound, stream, options, progress))
    return {**result.pop("report"), **result}


def preview(user, compound: Compound, stream: IO[bytes], options: Options | None = None, limit: int = 20) -> dict:
    ensure(can_import_bills(user, compound), _l("import bills into this compound"))
    reader = RowReader(_households(compound.id))
    return preview_file(stream, LAYOUT, reader.check, options, limit, _shown)


def _shown(row) -> dict:
    def yuan(fen: int) -> str:
        return f"{fen // 100}.{fen % 100:02d}"

    return {
        "household_id": row.household_id,
        "period": row.period,
        "amount_due": yuan(row.amount_due_fen),
        "due_date": row.due_date,
        "amount_paid": yuan(row.amount_paid_fen) if row.amount_paid_fen else "",
        "paid_at": row.paid_at,
        "method": row.method if row.amount_paid_fen else None,
    }


def _households(compound_id: int) -> dict[str, dict[str, int]]:
    """building key → unit in its one spelling → household id, for the whole compound in one query."""
    households: dict[str, dict[str, int]] = {}
    for building, unit, household_id in db.session.execute(
        select(Building.name, Household.unit, Household.id)
        .join(Building, Building.id == Household.building_id)
        .where(Household.compound_id == compound_id)
    ):
        households.setdefault(building_key(building), {}).setdefault(unit_name(unit), household_id)
    return households
