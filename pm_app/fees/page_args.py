"""Query-string arguments of the fee pages. An empty value means "the default"; junk is a 400,
as on the organisation pages, so a mistyped link never shows silently different numbers."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from pm_app.auth.scope import visible_or_404 as visible_in_scope
from pm_app.common.inputs import InputError, parse_int
from pm_app.fees.models import BillStatus
from pm_app.fees.periods import PeriodError, parse_period
from pm_app.fees.queries import sees_fees


def period(args, name: str = "period") -> str | None:
    value = (args.get(name) or "").strip()
    if not value:
        return None
    try:
        return parse_period(value)
    except PeriodError:
        abort(400)


def status(args) -> BillStatus | None:
    value = args.get("status") or ""
    if not value:
        return None
    try:
        return BillStatus(value)
    except ValueError:
        abort(400)


def whole_number(args, name: str, default: int, low: int, high: int) -> int:
    value = (args.get(name) or "").strip()
    if not value:
        return default
    try:
        return parse_int(value, name, low, high)
    except InputError:
        abort(400)


def visible_or_404(model, object_id: int):
    """The object if the caller sees it and has fee data at all; else the page's own 404 (in
    the reader's language, not the API's "Bill 7 not found")."""
    if not sees_fees(current_user):
        abort(404)
    return visible_in_scope(model, object_id)
