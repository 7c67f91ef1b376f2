"""Plotly figures of the ranking pages, as plain dicts from rows already computed: the score
distribution of a period (firms per 10-point band, coloured by list), a firm's score over
periods and the black list over the published periods. Pure functions; each page also shows the
same numbers in a table."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from flask_babel import gettext as _

BLUE, GREEN, RED, GREY = "#0f4c81", "#1d7a3a", "#b00020", "#6b6b6b"
BINS = [(low, low + 10) for low in range(0, 100, 10)]


def _bin(score: Decimal) -> int:
    return min(int(score // 10), 9)


def score_distribution(results: Sequence, title: str) -> dict:
    """Rated firms per score band (0–10 … 90–100+), split into red list, black list and the rest."""
    labels = [f"{low}–{high}" for low, high in BINS]
    counts = {"red": [0] * 10, "black": [0] * 10, None: [0] * 10}
    for result in results:
        if result.score is not None:
            counts[result.list_name][_bin(result.score)] += 1
    bars = [(None, _("Not listed"), BLUE), ("red", _("Red list"), GREEN), ("black", _("Black list"), RED)]
    return {
        "data": [
            {
                "type": "bar",
                "name": name,
                "x": labels,
                "y": counts[key],
                "marker": {"color": color},
                "hovertemplate": "%{x}: %{y}<extra>" + name + "</extra>",
            }
            for key, name, color in bars
        ],
        "layout": {
            "title": {"text": title},
            "barmode": "stack",
            "height": 320,
            "margin": {"l": 48, "r": 16, "t": 48, "b": 48},
            "xaxis": {"type": "category", "title": {"text": _("Score")}},
            "yaxis": {"title": {"text": _("Firms")}, "rangemode": "tozero", "dtick": 1},
            "legend": {"orientation": "h", "y": -0.25},
        },
        "config": {"displaylogo": False, "responsive": True},
    }


def score_history(rows: Sequence[tuple[str, Decimal | None]], title: str) -> dict:
    """(period code, score) oldest first; a period where the firm was not rated is a gap."""
    return {
        "data": [
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": _("Score"),
                "x": [code for code, _s in rows],
                "y": [None if score is None else float(score) for _c, score in rows],
                "connectgaps": False,
                "line": {"color": BLUE},
            }
        ],
        "layout": {
            "title": {"text": title},
            "height": 300,
            "margin": {"l": 48, "r": 16, "t": 48, "b": 48},
            "xaxis": {"type": "category", "title": {"text": _("Period")}},
            "yaxis": {"range": [0, 105], "title": {"text": _("Score")}},
        },
        "config": {"displaylogo": False, "responsive": True},
    }


def blacklist_history(rows: Sequence[tuple[str, Sequence]], title: str) -> dict:
    """(period code, its black-listed results) oldest first: firms on the black list per period,
    stacked by why, a veto (一票否决) or the grade. Names stay in the table beside it."""
    codes = [code for code, _r in rows]
    vetoed = [sum(1 for r in results if r.veto) for _c, results in rows]
    graded = [len(results) - v for (_c, results), v in zip(rows, vetoed)]
    bars = [(_("By grade"), graded, RED), (_("Veto"), vetoed, "#5c0011")]
    return {
        "data": [
            {
                "type": "bar",
                "name": name,
                "x": codes,
                "y": counts,
                "marker": {"color": color},
                "hovertemplate": "%{x}: %{y}<extra>" + name + "</extra>",
            }
            for name, counts, color in bars
        ],
        # No x-axis title: the labels are period codes, and on a phone a title collides with the legend.
        "layout": {
            "title": {"text": title},
            "barmode": "stack",
            "bargap": 0.5,
            "height": 300,
            "margin": {"l": 48, "r": 16, "t": 48, "b": 48},
            "xaxis": {"type": "category"},
            "yaxis": {"title": {"text": _("Firms")}, "rangemode": "tozero", "dtick": 1},
            "legend": {"orientation": "h", "y": -0.2},
        },
        "config": {"displaylogo": False, "responsive": True},
    }
