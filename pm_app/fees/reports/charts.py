"""Plotly figures of the fee pages, as plain dicts built from rows already aggregated in SQL.

Pure functions: no query, no request; the page embeds the dict as JSON and `static/charts.js`
draws it with the locally served plotly.min.js. Every figure sits beside a table with the same
numbers, so the chart is a convenience, never the only way to read them.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from flask_babel import gettext as _

from pm_app.fees.labels import percent, percent_number

BLUE, GREEN, RED = "#0f4c81", "#1d7a3a", "#b00020"  # the palette of app.css


def rate_trend(rows: Sequence, title: str, threshold: Decimal | None = None) -> dict:
    """Both collection rates per period (rows with .period, .amount_rate, .household_rate).

    A period with nothing billed has no rate: its point is left out (a gap), not drawn at 0 %.
    With `threshold`, a dashed line marks the level below which the alert rule fires.
    """
    periods = [row.period for row in rows]
    figure = {
        "data": [
            _line(_("By amount"), periods, [percent_number(row.amount_rate) for row in rows], BLUE, "solid"),
            _line(_("By household"), periods, [percent_number(row.household_rate) for row in rows], GREEN, "dot"),
        ],
        "layout": {
            "title": {"text": title},
            "height": 340,
            "margin": {"l": 56, "r": 16, "t": 48, "b": 48},
            # Periods are labels, not dates: plotly would otherwise draw "2026-09" as a day axis.
            "xaxis": {"type": "category", "title": {"text": _("Period")}},
            "yaxis": {"range": [0, 105], "ticksuffix": " %", "title": {"text": _("Collection rate")}},
            "legend": {"orientation": "h", "y": -0.25},
            "hovermode": "x unified",
        },
        "config": {"displaylogo": False, "responsive": True},
    }
    if threshold is not None:
        level = percent_number(threshold)
        figure["layout"]["shapes"] = [
            {
                "type": "line",
                "xref": "paper",
                "x0": 0,
                "x1": 1,
                "yref": "y",
                "y0": level,
                "y1": level,
                "line": {"color": RED, "width": 1, "dash": "dash"},
            }
        ]
        figure["layout"]["annotations"] = [
            {
                "xref": "paper",
                "x": 1,
                "xanchor": "right",
                "yref": "y",
                "y": level,
                "yanchor": "bottom",
                "text": _("Threshold %(rate)s", rate=percent(threshold)),
                "showarrow": False,
                "font": {"color": RED},
            }
        ]
    return figure


def _line(name: str, periods: list[str], values: list[float | None], color: str, dash: str) -> dict:
    return {
        "type": "scatter",
        "mode": "lines+markers",
        "name": name,
        "x": periods,
        "y": values,
        "connectgaps": False,
        "line": {"color": color, "dash": dash},
        "hovertemplate": "%{y:.1f} %<extra>" + name + "</extra>",
    }
