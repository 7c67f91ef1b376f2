"""Plotly figures of the ticket board, as plain dicts built from rows already grouped in SQL
(tickets.queries). Pure functions: no query, no request; the board embeds each dict as JSON,
`static/charts.js` draws it, and a table beside it carries the same numbers."""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import gettext as _

from pm_app.tickets.labels import STATUSES, ticket_label
from pm_app.tickets.models import TicketStatus

# One colour per status, open ones warm, finished ones cool (the palette of app.css where it has one).
STATUS_COLORS = {
    TicketStatus.new: "#b36b00",
    TicketStatus.assigned: "#e0a030",
    TicketStatus.in_progress: "#0f4c81",
    TicketStatus.reopened: "#b00020",
    TicketStatus.resolved: "#4f9bd9",
    TicketStatus.closed: "#1d7a3a",
    TicketStatus.rejected: "#8a8f99",
}
BLUE = "#0f4c81"


def by_category(rows: Sequence[tuple], title: str) -> dict:
    """Tickets per category, stacked by status: `rows` are (category, status, count).
    Categories are sorted by their total, largest first; a status with no ticket has no trace."""
    totals: dict[str, int] = {}
    for category, _status, n in rows:
        totals[category] = totals.get(category, 0) + n
    categories = sorted(totals, key=lambda c: (-totals[c], c))
    labels = [ticket_label(c) for c in categories]
    data = []
    for status in STATUSES:
        counts = {category: n for category, s, n in rows if s == status}
        if not counts:
            continue
        name = ticket_label(status)
        data.append(
            {
                "type": "bar",
                "name": name,
                "x": labels,
                "y": [counts.get(c, 0) for c in categories],
                "marker": {"color": STATUS_COLORS[status]},
                "hovertemplate": "%{x}: %{y}<extra>" + name + "</extra>",
            }
        )
    return {
        "data": data,
        "layout": {
            "title": {"text": title},
            "barmode": "stack",
            "height": 360,
            "margin": {"l": 48, "r": 16, "t": 48, "b": 96},
            "xaxis": {"type": "category", "automargin": True},
            "yaxis": {"title": {"text": _("Tickets")}, "rangemode": "tozero"},
            "legend": {"orientation": "h", "y": -0.35},
        },
        "config": {"displaylogo": False, "responsive": True},
    }


def on_time_rate(rows: Sequence[dict], title: str) -> dict:
    """The share of tickets resolved by their resolve-by, per month of resolution: `rows` are
    {"month", "resolved", "on_time"}. A month with nothing resolved is not in `rows`: no point."""
    months = [row["month"] for row in rows]
    rates = [rate_percent(row) for row in rows]
    return {
        "data": [
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": _("On time"),
                "x": months,
                "y": rates,
                "text": [f"{row['on_time']}/{row['resolved']}" for row in rows],
                "line": {"color": BLUE},
                "hovertemplate": "%{x}: %{y:.1f} % (%{text})<extra></extra>",
            }
        ],
        "layout": {
            "title": {"text": title},
            "height": 320,
            "margin": {"l": 56, "r": 16, "t": 48, "b": 48},
            # Months are labels, not dates: plotly would otherwise draw "2026-03" as a day axis.
            "xaxis": {"type": "category", "title": {"text": _("Month resolved")}},
            "yaxis": {"range": [0, 105], "ticksuffix": " %", "title": {"text": _("Resolved on time")}},
        },
        "config": {"displaylogo": False, "responsive": True},
    }


def rate_percent(row: dict) -> float:
    """On-time share in percent, one decimal (the table and the chart show the same)."""
    return round(100 * row["on_time"] / row["resolved"], 1) if row["resolved"] else 0.0


def share_bars(rows: Sequence[tuple[str, int, str]], title: str) -> dict:
    """One breakdown of the complaint statistics: `rows` are (label, count, percent text), largest
    first; drawn as horizontal bars, the largest on top, each labelled "45 · 38.8%"."""
    shown = list(reversed(rows))  # plotly draws the first category at the bottom
    return {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "x": [n for _label, n, _p in shown],
                "y": [label for label, _n, _p in shown],
                "text": [f"{n} · {p}" for _label, n, p in shown],
                "textposition": "auto",
                "marker": {"color": BLUE},
                "hovertemplate": "%{y}: %{text}<extra></extra>",
            }
        ],
        "layout": {
            "title": {"text": title},
            "height": max(180, 60 + 28 * len(rows)),
            "margin": {"l": 16, "r": 16, "t": 48, "b": 40},
            "yaxis": {"type": "category", "automargin": True},
            "xaxis": {"title": {"text": _("Number of tickets")}, "rangemode": "tozero"},
        },
        "config": {"displaylogo": False, "responsive": True},
    }
