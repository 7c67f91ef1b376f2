"""The preview of an import: its first rows as the import understood them (columns mapped, units,
normalised values), read by the same loop and checks as the import itself and writing nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import IO

from pm_app.common.imports.headers import Layout
from pm_app.common.imports.registry import Options
from pm_app.common.imports.rows import read_file


def shown(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, (date, Decimal)):
        return str(value)
    if hasattr(value, "value"):  # an enum
        return str(value.value)
    return str(value)


def preview_file(
    upload: IO[bytes],
    layout: Layout,
    check: Callable,
    options: Options | None = None,
    limit: int = 20,
    show: Callable[[dict], dict] | None = None,
) -> dict:
    """{"columns", "ignored_columns", "rows", "skipped", "problems"}: `show(values)` picks and
    writes the fields of a checked row (by default every value, as text)."""
    rows: list[dict] = []

    def add(number: int, values) -> None:
        picked = show(values) if show is not None else dict(values if isinstance(values, dict) else vars(values))
        rows.append({"row": number, "values": {name: shown(value) for name, value in picked.items()}})

    outcome = read_file(upload, layout, check, add, options, limit=limit)
    header = outcome.header
    columns = []
    if header is not None:
        for name, index in sorted(header.columns.items(), key=lambda item: item[1]):
            unit = header.units.get(name)
            columns.append({"header": header.written[name], "field": name, "unit": unit.name if unit else None})
    outcome.errors.summarise()
    return {
        "columns": columns,
        "ignored_columns": outcome.skipped.ignored_columns,
        "rows": rows,
        "skipped": outcome.skipped.as_dict()["skipped"],
        "hidden_rows": outcome.skipped.hidden_rows,
        "problems": [{"row": key, "problems": problems} for key, problems in outcome.errors.items()],
    }
