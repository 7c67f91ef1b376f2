"""Plotly figures of the renovation money report (issue 26), as plain dicts from the report's
already-aggregated figures. Pure functions; the page puts the same numbers in a table."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext as _

BAR = "#2b6cb0"
PAID = "#1d7a3a"


def _percent(ratio: str) -> float:
    return float(Decimal(ratio) * 100)


def funding_shares(by_source: dict[str, dict], labels: dict[str, str], title: str) -> dict:
    """One horizontal bar per source that funds something, its length the share in per cent."""
    rows = sorted(
        ((key, row) for key, row in by_source.items() if Decimal(row["amount"]) > 0),
        key=lambda pair: Decimal(pair[1]["share"]),
    )
    return _bars(
        title,
        [labels.get(k, k) for k, _row in rows],
        [_percent(r["share"]) for _k, r in rows],
        [r["amount"] for _k, r in rows],
        BAR,
        _("Share of the funding (%)"),
        _("yuan"),
    )


def payment_progress(by_source: dict[str, dict], labels: dict[str, str], title: str) -> dict:
    """One bar per funded source: what has been paid of it, in per cent."""
    rows = sorted(by_source.items(), key=lambda pair: Decimal(pair[1]["progress"]))
    return _bars(
        title,
        [labels.get(k, k) for k, _row in rows],
        [_percent(r["progress"]) for _k, r in rows],
        [r["paid"] for _k, r in rows],
        PAID,
        _("Paid (%)"),
        _("yuan paid"),
    )


def _bars(title: str, names: list, values: list, amounts: list, color: str, axis: str, unit: str) -> dict:
    return {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "x": values,
                "y": names,
                "customdata": amounts,
                "marker": {"color": color},
                "texttemplate": "%{x:.2f}%",
                "textposition": "auto",
                "hovertemplate": "%{y}: %{x:.2f}%<br>%{customdata} " + unit + "<extra></extra>",
            }
        ],
        "layout": {
            "title": {"text": title},
            "height": max(220, 100 + 36 * len(names)),
            "margin": {"l": 120, "r": 16, "t": 48, "b": 48},
            "xaxis": {"title": {"text": axis}, "range": [0, 100], "ticksuffix": "%"},
            "yaxis": {"type": "category", "automargin": True},
        },
        "config": {"displaylogo": False, "responsive": True},
    }
