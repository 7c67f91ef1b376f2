"""An audit record's before/after as the audit page shows it: the stored JSON, with moments on the
city's clock (the record keeps them in UTC, ISO 8601) and every domain's codes (roles, modes, bill
statuses, payment methods, ticket states…) by their labels; Chinese as characters, not \\u escapes. The record itself is untouched."""

from __future__ import annotations

import re
from datetime import datetime

from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

from pm_app.common.clock import city_seconds
from pm_app.org import labels

_MOMENT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?(Z|[+-][0-9]{2}:?[0-9]{2})?")


def _label_maps():
    """Every domain's code → label maps, read when a page is drawn (the labels follow the reader's
    language). The audit page shows records of every kind, so it reads them all."""
    from pm_app.committees import labels as committees
    from pm_app.fees import labels as fees
    from pm_app.tickets import labels as tickets
    from pm_app.warranties import labels as warranties

    for module in (labels, fees, tickets, committees, warranties):
        yield from module._BY_ENUM.values()  # noqa: SLF001 (each module's own maps; read, not changed)


def _labels() -> dict[str, str | None]:
    """One label per code; a code two enums share with different labels stays as it is rather
    than guess (the record's kind would be needed to tell them apart)."""
    found: dict[str, str | None] = {}
    for mapping in _label_maps():
        for member, text in mapping.items():
            text = str(text)
            if member.value in found and found[member.value] != text:
                found[member.value] = None
            else:
                found[member.value] = text
    return found


def _shown(value, names: dict[str, str | None]):
    if isinstance(value, dict):
        return {key: _shown(inner, names) for key, inner in value.items()}
    if isinstance(value, list):
        return [_shown(inner, names) for inner in value]
    if isinstance(value, str) and _MOMENT.fullmatch(value):
        return city_seconds(datetime.fromisoformat(value.replace("Z", "+00:00")))
    if isinstance(value, str) and names.get(value) is not None:
        return names[value]
    return value


def record_text(values) -> Markup | str:
    """As Jinja's tojson writes it (<, >, & and ' escaped inside the JSON), Chinese unescaped."""
    if not values:
        return ""
    return htmlsafe_json_dumps(_shown(values, _labels()), ensure_ascii=False, default=str)
