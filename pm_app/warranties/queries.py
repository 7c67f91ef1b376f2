"""Warranty item lists: filtered in SQL, state and days left computed for the as-of day."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Select
from sqlalchemy.orm import joinedload

from pm_app.auth.scope import visible
from pm_app.warranties.dates import EXPIRING_DAYS, state
from pm_app.warranties.models import WarrantyCategory, WarrantyItem


def items_query(user, args: dict, as_of: date) -> Select:
    """Items the user sees, filtered. `expiring_within_days=N` keeps those ending in
    (as_of, as_of + N], soonest first: one ending on as_of has already lapsed."""
    query = visible(WarrantyItem, user).options(joinedload(WarrantyItem.category))
    for name in ("compound_id", "project_id"):
        if args.get(name) is not None:
            query = query.where(getattr(WarrantyItem, name) == args[name])
    if args.get("category"):
        query = query.join(WarrantyCategory, WarrantyCategory.id == WarrantyItem.category_id).where(
            WarrantyCategory.code == args["category"]
        )
    if args.get("expiring_within_days") is not None:
        query = query.where(
            WarrantyItem.warranty_end > as_of,
            WarrantyItem.warranty_end <= as_of + timedelta(days=args["expiring_within_days"]),
        )
    wanted = args.get("state")
    if wanted == "expired":
        query = query.where(WarrantyItem.warranty_end <= as_of)
    elif wanted == "expiring":
        query = query.where(
            WarrantyItem.warranty_end > as_of, WarrantyItem.warranty_end <= as_of + timedelta(days=EXPIRING_DAYS)
        )
    elif wanted == "active":
        query = query.where(WarrantyItem.warranty_end > as_of + timedelta(days=EXPIRING_DAYS))
    return query.order_by(WarrantyItem.warranty_end, WarrantyItem.id)


def with_state(items: list[WarrantyItem], as_of: date) -> list[WarrantyItem]:
    for item in items:
        item.state = state(item.warranty_end, as_of)
        item.days_left = (item.warranty_end - as_of).days
    return items
