"""The fee pages' tables as CSV or XLSX: the same scoped rows and the same numbers the pages
show (typed cells of common.cells: money, rates, dates and counts; owners masked for
roles that may not read them). Every cell goes through common.export, which defuses formulas."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date

from flask import Response, stream_with_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from pm_app.common import export
from pm_app.common.cells import count, day, moment, money
from pm_app.common.cells import percent as share
from pm_app.common.clock import today
from pm_app.fees.labels import fee_label, percent

TYPES = {
    "csv": ("text/csv; charset=utf-8", export.write_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", export.write_xlsx),
}

BILLS = (
    (_l("Building"), lambda b: b.household.building.name),
    (_l("Unit"), lambda b: b.household.unit),
    (_l("Period"), lambda b: b.period),
    (_l("Due date"), lambda b: day(b.due_date)),
    (_l("Amount due"), lambda b: money(b.amount_due_fen)),
    (_l("Paid"), lambda b: money(b.paid_fen)),
    (_l("Waived"), lambda b: money(b.waived_fen)),
    (_l("Outstanding"), lambda b: money(b.outstanding_fen)),
    (_l("Status"), lambda b: fee_label(b.status)),
)

ARREARS = (
    (_l("Building"), lambda r: r["building"]),
    (_l("Unit"), lambda r: r["unit"]),
    (_l("Owner"), lambda r: r["owner_name"] or ""),
    (_l("Phone"), lambda r: r["owner_phone"] or ""),
    (_l("Periods owed"), lambda r: count(r["periods"])),
    (_l("First period"), lambda r: r["first_period"]),
    (_l("Last period"), lambda r: r["last_period"]),
    (_l("Outstanding"), lambda r: money(r["outstanding"])),
)

_RATE = (
    (_l("Receivable"), lambda r: money(_get(r, "receivable"))),
    (_l("Received"), lambda r: money(_get(r, "received"))),
    (_l("Rate by amount"), lambda r: share(_get(r, "amount_rate"), percent(_get(r, "amount_rate")))),
    (_l("Households billed"), lambda r: count(_get(r, "households_billed"))),
    (_l("Households paid"), lambda r: count(_get(r, "households_paid"))),
    (_l("Rate by household"), lambda r: share(_get(r, "household_rate"), percent(_get(r, "household_rate")))),
)

PERIOD_RATES = ((_l("Period"), lambda r: r.period), *_RATE)

COMPOUNDS = (
    (_l("Code"), lambda r: r["code"]),
    (_l("Name"), lambda r: r["name"]),
    *_RATE,
    (_l("Below threshold"), lambda r: _("yes") if r["below_threshold"] else _("no")),
    (_l("Households in arrears"), lambda r: count(r["arrears_households"])),
    (_l("Arrears outstanding"), lambda r: money(r["arrears_fen"])),
)


def _get(row, name: str):
    return row[name] if isinstance(row, dict) else getattr(row, name)


def download(
    fmt: str, columns, rows: Iterable, name: str, title: str, scope: str = "", as_of: date | None = None
) -> Response:
    """A streamed attachment named `<name>-<today>.<fmt>`; `title`, `scope` and `as_of` make the
    XLSX title row (the CSV has none)."""
    mimetype, write = TYPES[fmt]
    body = write(_rows(columns, rows), [str(title) for title, _value in columns], title=title, scope=scope, as_of=as_of)
    filename = f"{name}-{today():%Y%m%d}.{fmt}"
    return Response(
        stream_with_context(body),
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _rows(columns, rows: Iterable) -> Iterator[list]:
    for row in rows:
        yield [value(row) for _title, value in columns]


CASH_UP = (
    (_l("Receipt no."), lambda r: r["number"]),
    (_l("Issued at"), lambda r: moment(r["issued_at"])),
    (_l("Compound"), lambda r: r["compound"]),
    (_l("Building"), lambda r: r["building"]),
    (_l("Unit"), lambda r: r["unit"]),
    (_l("Months"), lambda r: ", ".join(r["periods"])),
    (_l("Method"), lambda r: fee_label(r["method"])),
    (_l("Amount"), lambda r: money(r["total"])),
    (_l("Void"), lambda r: _("yes") if r["voided"] else ""),
)
