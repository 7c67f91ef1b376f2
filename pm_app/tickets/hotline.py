"""Importing the 12345 hotline's orders: the platform's export (XLSX or CSV) becomes tickets of
source `hotline_12345`, each keeping its order number (`external_ref`) and the moment the citizen
called (`reported_at`, from which the deadlines count).

Like the other imports it is all or nothing, and errors are keyed by the row a person sees in the
sheet ("1" the header, "file" a file that cannot be read). Besides:
- an order already imported (its number is a hotline ticket) is skipped and counted, so a longer
  export of the same weeks imports only what is new; an order repeated in the file is imported
  once, and the repeat reported;
- an order whose address names none of the caller's compounds, or two equally, imports NOTHING:
  the answer (`UnmatchedOrders`, code `unmatched_orders`) lists them, and the caller sends the file
  again with `assignments` {order number: compound id | "skip"} until none is left.
Files are a street's weeks of orders, hundreds to a few thousand: read whole and written in one
savepoint, synchronously, as the other imports are.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import IO

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from pm_app.auth.models import Role
from pm_app.auth.scope import visible
from pm_app.common.imports.preview import preview_file
from pm_app.common.imports.reading import UnreadableFile
from pm_app.common.imports.registry import Options
from pm_app.common.imports.report import refusal
from pm_app.common.imports.rows import read_file
from pm_app.common.inputs import InputError, normal, parse_int
from pm_app.errors import Conflict, DomainError
from pm_app.extensions import db
from pm_app.org.models import Compound
from pm_app.org.services import ensure
from pm_app.tickets import services
from pm_app.tickets.hotline_match import CompoundMatcher, category_of
from pm_app.tickets.hotline_rows import LAYOUT, Order, OrderReader
from pm_app.tickets.models import Priority, Ticket, TicketSource

SOURCE = TicketSource.hotline_12345
SKIP = "skip"
MAX_ORDERS = 5000  # a street's quarter is hundreds; more is a city's export, to be split by street


class UnmatchedOrders(DomainError):
    """The file is sound but some orders need a person: which compound, or skip it."""

    code = "unmatched_orders"

    def __init__(self, unmatched: list[dict], review: list[dict], errors: dict):
        super().__init__(
            ngettext(
                "%(num)d order matches none of your compounds for sure; nothing was imported. "
                "Assign it to a compound or skip it, and send the file again.",
                "%(num)d orders match none of your compounds for sure; nothing was imported. "
                "Assign each to a compound or skip it, and send the file again.",
                len(unmatched),
            ),
            errors,
        )
        self.unmatched = unmatched
        self.review = review  # every order that needs a person, those already decided included
        self.extra = {"unmatched": unmatched}


@dataclass
class HotlineResult:
    rows: int = 0
    created: list[dict] = field(default_factory=list)  # row, external_ref, ticket id, tracking code
    already_imported: list[dict] = field(default_factory=list)  # row, external_ref, ticket_id when in sight
    skipped: list[dict] = field(default_factory=list)  # row, external_ref: skipped by the caller's choice
    duplicates: list[dict] = field(default_factory=list)  # row, external_ref, first_row


def can_import(user) -> bool:
    """The offices that receive the platform's orders: street offices (their compounds) and the city."""
    return user.sees_whole_city or user.city_regulator or user.role == Role.street_officer


def compounds_in_scope(user, street_id: int | None = None) -> list[Compound]:
    query = visible(Compound, user).order_by(Compound.name, Compound.id)
    if street_id is not None:
        query = query.where(Compound.street_id == street_id)
    return list(db.session.scalars(query))


def import_orders(
    user,
    upload: IO[bytes],
    assignments: dict | None = None,
    street_id: int | None = None,
    options: Options | None = None,
    progress=None,
) -> HotlineResult:
    """Import every order of `upload` or none: DomainError(422) names each bad row, UnmatchedOrders
    lists the orders a person must assign or skip."""
    ensure(can_import(user), _l("import 12345 orders"))
    compounds = compounds_in_scope(user, street_id)
    orders, errors = _read(upload, options, progress)
    if errors:
        raise DomainError(refusal(errors), errors)
    result = HotlineResult(rows=len(orders))
    orders = _new_orders(user, orders, result)
    chosen = _assignments(assignments or {}, orders, {c.id for c in compounds}, errors)
    placed, unmatched, review = _place(
        orders, chosen, CompoundMatcher(compounds), {c.id: c for c in compounds}, result, errors
    )
    if errors:
        raise DomainError(refusal(errors), errors)
    if unmatched:
        raise UnmatchedOrders(unmatched, review, {str(u["row"]): [u["problem"]] for u in unmatched})
    try:
        with db.session.begin_nested():
            for order, compound in placed:
                _create(user, order, compound, result, errors)
            if errors:
                raise DomainError(refusal(errors), errors)  # leaving the block undoes the savepoint
    except IntegrityError:
        raise Conflict(
            _(
                "An order of the file was recorded by someone else meanwhile; nothing was imported. "
                "Upload the file again."
            )
        ) from None
    return result


def _read(upload: IO[bytes], options: Options | None = None, progress=None) -> tuple[list[Order], dict]:
    orders: list[Order] = []

    def add(_number: int, order: Order) -> None:
        if len(orders) >= MAX_ORDERS:
            raise UnreadableFile(
                _("The file has more than %(max)d orders: split it by street or by month.", max=MAX_ORDERS)
            )
        orders.append(order)

    errors = read_file(upload, LAYOUT, OrderReader().check, add, options, progress).errors
    if not errors and not orders:
        errors["file"] = [_("The file has a header but no orders.")]
    return orders, errors


def _new_orders(user, orders: list[Order], result: HotlineResult) -> list[Order]:
    """The orders to import: not repeated earlier in the file, not already a hotline ticket."""
    first: dict[str, int] = {}
    unique = []
    for order in orders:
        if order.external_ref in first:
            result.duplicates.append(
                {"row": order.row, "external_ref": order.external_ref, "first_row": first[order.external_ref]}
            )
        else:
            first[order.external_ref] = order.row
            unique.append(order)
    refs = [order.external_ref for order in unique]
    known: dict[str, int | None] = {}
    for start in range(0, len(refs), 500):
        for ref, ticket_id in db.session.execute(
            select(Ticket.external_ref, Ticket.id).where(
                Ticket.source == SOURCE, Ticket.external_ref.in_(refs[start : start + 500])
            )
        ):
            known[ref] = ticket_id
    if known:  # the ticket's id only for whoever may see it
        seen = set(
            db.session.scalars(
                visible(Ticket, user).with_only_columns(Ticket.id).where(Ticket.id.in_(list(known.values())))
            )
        )
        for order in unique:
            if order.external_ref in known:
                ticket_id = known[order.external_ref]
                result.already_imported.append(
                    {
                        "row": order.row,
                        "external_ref": order.external_ref,
                        "ticket_id": ticket_id if ticket_id in seen else None,
                    }
                )
    return [order for order in unique if order.external_ref not in known]


def _assignments(given: dict, orders: list[Order], allowed: set[int], errors: dict) -> dict[str, int | str]:
    """{order number: compound id | SKIP}, checked: each order in the file, each compound in scope."""
    rows = {order.external_ref: order.row for order in orders}
    chosen: dict[str, int | str] = {}
    for ref, value in given.items():
        ref = normal(str(ref)).strip()
        if ref not in rows:
            continue  # already imported, a repeat, or a choice from an earlier file: nothing to decide
        text = normal(str(value)).strip().lower() if value is not None else ""
        if text in ("", SKIP):
            if text == SKIP:
                chosen[ref] = SKIP
            continue
        try:
            compound_id = parse_int(text, "compound")
        except InputError:
            compound_id = None
        if compound_id not in allowed:
            errors[str(rows[ref])] = [
                _("order %(ref)s: %(value)s is not one of the compounds you may assign it to", ref=ref, value=text[:20])
            ]
        else:
            chosen[ref] = compound_id
    return chosen


def _place(orders, chosen, matcher: CompoundMatcher, by_id: dict, result: HotlineResult, errors: dict):
    """(order, compound) to import; the orders nobody has placed yet; and every order that needs a
    person, decided or not (the review form lists them all, so a choice made is not lost)."""
    placed, unmatched, review = [], [], []
    for order in orders:
        choice = chosen.get(order.external_ref)
        match = matcher.match(order.address, order.content)
        if match.compound_id is None:
            review.append(_unmatched(order, match, by_id))
        if choice == SKIP:
            result.skipped.append({"row": order.row, "external_ref": order.external_ref})
        elif choice is not None:
            placed.append((order, by_id[choice]))
        elif match.compound_id is not None:
            placed.append((order, by_id[match.compound_id]))
        else:
            unmatched.append(review[-1])
    return placed, unmatched, review


def _unmatched(order: Order, match, by_id: dict) -> dict:
    if match.candidates:
        names = "、".join(by_id[i].name for i in match.candidates)
        problem = _(
            "order %(ref)s: the address matches several compounds (%(names)s); choose one",
            ref=order.external_ref,
            names=names,
        )
    else:
        problem = _(
            'order %(ref)s: the address "%(address)s" matches none of your compounds',
            ref=order.external_ref,
            address=order.address[:60],
        )
    return {
        "row": order.row,
        "external_ref": order.external_ref,
        "address": order.address,
        "content": order.content[:200],
        "candidates": match.candidates,
        "problem": problem,
    }


def _create(user, order: Order, compound: Compound, result: HotlineResult, errors: dict) -> None:
    description = order.content
    if order.deadline_text and order.deadline is None:  # "5个工作日": kept for the firm to read
        description += _(" (time limit: %(limit)s)", limit=order.deadline_text)
    data = {
        "category": category_of(order.category_text, order.content),
        "priority": Priority.normal,
        "description": description,
        "location": order.address or None,
        "reporter_name": order.reporter_name,
        "reporter_phone": order.reporter_phone,
        "external_ref": order.external_ref,
        "reported_at": order.reported_at,
    }
    try:
        ticket = services.report(user, compound, data, SOURCE)
    except DomainError as exc:
        if exc.status not in (409, 422):
            raise
        errors[str(order.row)] = [f"{order.external_ref}: {exc.message}"]
        return
    if order.deadline is not None and order.reported_at < order.deadline < ticket.resolve_by:
        ticket.resolve_by = order.deadline  # the platform's time limit binds when it is sooner
    result.created.append(
        {
            "row": order.row,
            "external_ref": order.external_ref,
            "ticket_id": ticket.id,
            "tracking_code": ticket.tracking_code,
            "compound_id": compound.id,
        }
    )


def run(user, street, stream: IO[bytes], options: Options | None = None, progress=None) -> dict:
    """The registry's entry (common.imports.registry): `options.assignments` places the orders the
    addresses did not; `street` (or None: all the caller's) narrows the compounds matched."""
    assignments = options.assignments if options is not None else None
    return asdict(
        import_orders(user, stream, assignments, street.id if street is not None else None, options, progress)
    )


def preview(user, street, stream: IO[bytes], options: Options | None = None, limit: int = 20) -> dict:
    ensure(can_import(user), _l("import 12345 orders"))
    return preview_file(stream, LAYOUT, OrderReader().check, options, limit, _shown)


def _shown(order: Order) -> dict:
    return {
        "external_ref": order.external_ref,
        "reported_at": order.reported_at,
        "reporter_name": order.reporter_name,
        "reporter_phone": order.reporter_phone,
        "address": order.address,
        "content": order.content[:200],
        "category": order.category_text,
        "deadline": order.deadline or order.deadline_text,
    }
