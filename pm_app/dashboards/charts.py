"""Plotly figures of the homes that no domain page draws yet, as plain dicts from rows already
counted in SQL. Pure functions: no query, no request; each sits beside a table with the same
numbers. The others (collection trend, tickets by category, ranking distribution) are the
domains' own figures."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from flask_babel import gettext as _

BLUE = "#0f4c81"


def bars(counts: Mapping[str, int], labels: Mapping[str, object], title: str, axis: str) -> dict:
    """One bar per key of `labels`, in its order, with `counts` (a missing key is 0)."""
    names = [str(labels[key]) for key in labels]
    values = [counts.get(key, 0) for key in labels]
    return {
        "data": [
            {
                "type": "bar",
                "x": names,
                "y": values,
                "marker": {"color": BLUE},
                "hovertemplate": "%{x}: %{y}<extra></extra>",
            }
        ],
        "layout": {
            "title": {"text": title},
            "height": 300,
            "margin": {"l": 48, "r": 16, "t": 48, "b": 80},
            "xaxis": {"type": "category", "automargin": True},
            "yaxis": {"title": {"text": axis}, "rangemode": "tozero"},
        },
        "config": {"displaylogo": False, "responsive": True},
    }


def ends_by_month(rows: Sequence[dict], title: str) -> dict:
    """Warranty items ending per month (`rows` are {"month", "items"})."""
    return bars(
        {row["month"]: row["items"] for row in rows}, {row["month"]: row["month"] for row in rows}, title, _("Items")
    )
