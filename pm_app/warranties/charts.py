"""Plotly figures of the works pages, as plain dicts built from rows already grouped in SQL.

Pure functions: no query, no request. The page embeds the dict as JSON, `static/charts.js`
draws it with the locally served plotly.min.js, and a table beside it has the same numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from flask_babel import gettext as _

from pm_app.warranties.labels import ITEM_STATES

# The palette of app.css: expired red, expiring amber, in warranty green.
STATE_COLORS = {"expired": "#b00020", "expiring": "#b36b00", "active": "#1d7a3a"}
MIN_MARKER, MAX_MARKER = 10, 30


def warranty_ends(rows: Sequence[dict], as_of: date, title: str) -> dict:
    """Warranty ends by category: one marker per (category, end day), sized by its number of
    items and coloured by its state on `as_of`, with a dashed line on `as_of`.

    `rows` are {"category", "end", "items", "state"}; one trace per state, so the legend reads
    as the three states and a state without items has no trace.
    """
    largest = max((row["items"] for row in rows), default=1)
    categories = sorted({row["category"] for row in rows})
    data = []
    for state, color in STATE_COLORS.items():
        mine = [row for row in rows if row["state"] == state]
        if not mine:
            continue
        name = str(ITEM_STATES[state])
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": name,
                "x": [row["end"].isoformat() for row in mine],
                "y": [row["category"] for row in mine],
                "text": [row["items"] for row in mine],
                "marker": {
                    "color": color,
                    "size": [_size(row["items"], largest) for row in mine],
                    "line": {"width": 1, "color": "#ffffff"},
                },
                "hovertemplate": "%{y}<br>%{x}: %{text}<extra>" + name + "</extra>",
            }
        )
    day = as_of.isoformat()
    return {
        "data": data,
        "layout": {
            "title": {"text": title},
            "height": max(240, 120 + 40 * len(categories)),
            "margin": {"l": 120, "r": 16, "t": 48, "b": 48},
            "xaxis": {"type": "date", "title": {"text": _("Warranty end")}},
            "yaxis": {"type": "category", "categoryorder": "array", "categoryarray": categories, "automargin": True},
            "legend": {"orientation": "h", "y": -0.25},
            "shapes": [
                {
                    "type": "line",
                    "xref": "x",
                    "x0": day,
                    "x1": day,
                    "yref": "paper",
                    "y0": 0,
                    "y1": 1,
                    "line": {"color": "#555555", "width": 1, "dash": "dash"},
                }
            ],
            "annotations": [
                {
                    "xref": "x",
                    "x": day,
                    "yref": "paper",
                    "y": 1,
                    "yanchor": "bottom",
                    "text": _("As of %(day)s", day=day),
                    "showarrow": False,
                }
            ],
        },
        "config": {"displaylogo": False, "responsive": True},
    }


def _size(items: int, largest: int) -> int:
    """Marker diameter growing with the item count, so one item is still easy to hover."""
    return round(MIN_MARKER + (MAX_MARKER - MIN_MARKER) * items / largest) if largest else MIN_MARKER
