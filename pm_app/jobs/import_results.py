"""An import job's result in words: the counts of its dict (org.imports, fees.imports,
warranties.imports, tickets.hotline return different ones) under labels a person reads, in a
fixed order; keys it does not know are left to the JSON."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

COUNTS = (  # key → label; a list's length is its count
    ("rows", _l("Rows read")),
    ("imported", _l("Rows imported")),
    ("buildings_created", _l("New buildings")),
    ("bills_created", _l("Bills created")),
    ("bills_existing", _l("Bills already there")),
    ("payments_created", _l("Payments recorded")),
    ("payments_existing", _l("Payments already recorded")),
    ("created", _l("Tickets created")),
    ("already_imported", _l("Orders imported before")),
    ("duplicates", _l("Orders repeated in the file")),
    ("skipped", _l("Rows skipped")),
)
SKIPPED = (  # the framework's `skipped` counts (common.imports.report.Skipped)
    ("empty", _l("Empty rows skipped")),
    ("totals", _l("Totals rows skipped")),
    ("hidden", _l("Hidden rows skipped")),
)


def counts(result: dict) -> list[tuple[str, int]]:
    lines = []
    for key, label in COUNTS:
        value = result.get(key)
        if isinstance(value, dict):  # the framework's skipped rows: listed apart (skipped())
            continue
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, (list, tuple)):
            value = len(value)
        if isinstance(value, int):
            lines.append((str(label), value))
    return lines


def skipped(found: dict) -> list[str]:
    """The rows read past on purpose, in words: "2 empty rows", "hidden rows: 5, 9"."""
    counts = found.get("skipped") if isinstance(found.get("skipped"), dict) else {}
    lines = [f"{name}：{counts[code]}" for code, name in SKIPPED if counts.get(code)]
    hidden = found.get("hidden_rows") or []
    if hidden:
        lines.append(str(_l("Hidden rows: %(rows)s", rows="、".join(str(row) for row in hidden))))
    return lines


def problems(found) -> dict:
    """Problems keyed by row, from the preview's list ([{row, problems}]) or a refusal's dict."""
    if isinstance(found, dict):
        return found
    return {str(item.get("row")): item.get("problems") for item in found or [] if isinstance(item, dict)}


# What a field is called on the preview (the domains name them in English; the file's own header
# is shown beside). The 12345 and warranty imports give some names a meaning of their own.
FIELDS = {
    "building": _l("Building"),
    "entrance": _l("Entrance"),
    "unit": _l("Unit"),
    "address": _l("Address"),
    "floor_area_m2": _l("Floor area (m²)"),
    "owner_name": _l("Owner"),
    "owner_phone": _l("Phone"),
    "household_id": _l("Household"),
    "period": _l("Period"),
    "amount_due": _l("Amount due"),
    "due_date": _l("Due date"),
    "amount_paid": _l("Amount paid"),
    "paid_at": _l("Paid at"),
    "method": _l("Method"),
    "category": _l("Category"),
    "category_id": _l("Category"),
    "description": _l("Description"),
    "quantity": _l("Quantity"),
    "location": _l("Location"),
    "warranty_years": _l("Warranty term"),
    "warranty_start": _l("Warranty start"),
    "warranty_end": _l("Warranty end"),
    "external_ref": _l("Order number"),
    "reported_at": _l("Received at"),
    "reporter_name": _l("Reporter"),
    "reporter_phone": _l("Phone"),
    "content": _l("What was reported"),
    "deadline": _l("Deadline"),
}
OWN_FIELDS = {
    "warranty_items": {"unit": _l("Unit of measure")},
    "hotline": {"category": _l("Type of problem"), "address": _l("Address")},
}


def field_label(kind_name: str, field: str) -> str:
    label = OWN_FIELDS.get(kind_name, {}).get(field) or FIELDS.get(field)
    return str(label) if label else field
