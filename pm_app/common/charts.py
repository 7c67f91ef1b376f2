"""What every chart's figure goes through on its way into a page (the `plotly_text` filter of
templates/fees/_charts.html, the one place a figure is embedded).

Plotly renders a subset of HTML in every text it draws (titles, legend names, category tick
labels, hover text, annotations): `<a href>`, `<b>`, `<br>`, `<span style>`… A firm, compound or
street name is data, and a firm named `<a href="https://…">甲物业</a>` put a link into its own
chart's title. So every string in a figure has `&`, `<` and `>` written as entities, which
Plotly shows as the characters themselves. Hover and text templates keep the markup the
charts.py modules write (`<br>`, `<extra>…</extra>`); any other tag in them is escaped too.
"""

from __future__ import annotations

import re

TEMPLATE_KEYS = ("hovertemplate", "texttemplate")
AUTHORED_TAG = re.compile(r"(</?extra>|<br>)")


def plotly_text(figure):
    """A copy of the figure whose strings Plotly draws as plain text."""
    return _escaped(figure, None)


def escape_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _escaped(value, key: str | None):
    if isinstance(value, dict):
        return {k: _escaped(v, k) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_escaped(v, key) for v in value]
    if isinstance(value, str):
        if key in TEMPLATE_KEYS:
            return "".join(
                part if AUTHORED_TAG.fullmatch(part) else escape_text(part) for part in AUTHORED_TAG.split(value)
            )
        return escape_text(value)
    if value is not None and not isinstance(value, (int, float, bool)):
        return escape_text(str(value))  # a lazy translation string, a date…
    return value
