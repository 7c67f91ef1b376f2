"""Plotly figures of the accounts page, as plain dicts from rows already grouped in SQL.
Pure functions: the page embeds the dict and a table beside it carries the same numbers."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from flask_babel import gettext as _

INCOME_COLOR, EXPENSE_COLOR, FUND_COLOR = "#1d7a3a", "#b00020", "#b36b00"


def _yuan(fen: int) -> float:
    # A chart axis needs numbers; the exact decimal string is in the table beside it.
    return float(Decimal(fen) / 100)


def income_expense(rows: Sequence[dict], title: str) -> dict:
    """Income vs operating expense per month (bars), with maintenance-fund draws as a third bar.
    `rows` are {"month", "income", "expense", "fund_draws"} in fen, from statements.monthly_flows."""
    months = [row["month"] for row in rows]
    traces = (
        (_("Income"), "income", INCOME_COLOR),
        (_("Operating expense"), "expense", EXPENSE_COLOR),
        (_("Maintenance-fund draws"), "fund_draws", FUND_COLOR),
    )
    return {
        "data": [
            {
                "type": "bar",
                "name": name,
                "x": months,
                "y": [_yuan(row[key]) for row in rows],
                "marker": {"color": color},
                "hovertemplate": "%{x}: %{y:,.2f}<extra>" + name + "</extra>",
            }
            for name, key, color in traces
        ],
        "layout": {
            "title": {"text": title},
            "barmode": "group",
            "height": 320,
            "margin": {"l": 64, "r": 16, "t": 48, "b": 48},
            "xaxis": {"type": "category", "title": {"text": _("Month")}},
            "yaxis": {"title": {"text": _("Yuan")}, "rangemode": "tozero"},
            "legend": {"orientation": "h", "y": -0.25},
        },
        "config": {"displaylogo": False, "responsive": True},
    }
