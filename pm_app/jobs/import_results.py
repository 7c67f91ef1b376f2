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
        if isinstance(value, dict):
            lines += [(str(name), value[code]) for code, name in SKIPPED if value.get(code)]
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
