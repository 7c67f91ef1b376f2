"""An audit record's before/after as the audit page shows it: the stored JSON, with moments on the
city's clock (the record keeps them in UTC, ISO 8601) and the codes of roles, management modes and
firm kinds by their labels; Chinese as characters, not \\u escapes. The record itself is untouched."""
from __future__ import annotations

import re
from datetime import datetime

from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

from pm_app.common.clock import city_seconds
from pm_app.org import labels

_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")
# One label per code; a code two enums share (none today) would stay as it is rather than guess.
_LABELS: dict[str, object] = {}
for _kind in labels._BY_ENUM:  # noqa: SLF001 (the label maps are labels' own; read, not changed)
    for _member in _kind:
        _LABELS[_member.value] = None if _member.value in _LABELS else _member


def _shown(value):
    if isinstance(value, dict):
        return {key: _shown(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [_shown(inner) for inner in value]
    if isinstance(value, str) and _MOMENT.match(value):
        return city_seconds(datetime.fromisoformat(value.replace("Z", "+00:00")))
    if isinstance(value, str) and _LABELS.get(value) is not None:
        return labels.label(_LABELS[value])
    return value


def record_text(values) -> Markup | str:
    """As Jinja's tojson writes it (<, >, & and ' escaped inside the JSON), Chinese unescaped."""
    return htmlsafe_json_dumps(_shown(values), ensure_ascii=False, default=str) if values else ""
