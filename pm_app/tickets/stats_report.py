"""How the complaint statistics read (tickets.stats counts them): the period's name, seed 003's
sentence, and each breakdown as labelled rows for the page's tables and charts and for the CSV and
XLSX file, in the reader's language. Codes stay in the API; people read 施工扰民及施工损坏."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from babel.lists import format_list
from flask import Response
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from pm_app.common import export
from pm_app.common.cells import count, scope_of
from pm_app.common.cells import percent as share_cell
from pm_app.tickets import charts, queries, stats
from pm_app.tickets.labels import CATEGORIES, PARTIES, SOURCES
from pm_app.tickets.models import TicketSource

# The page's sections and the file's groups, in this order: (id, title, labels by code).
SECTIONS = (
    ("category", _l("Ticket category"), CATEGORIES),
    ("party", _l("Responsible party"), {p.value: text for p, text in PARTIES.items()}),
    ("source", _l("Source"), {s.value: text for s, text in SOURCES.items()}),
    ("street", _l("Street"), {}),
)
KEYS = {"category": "by_category", "party": "by_responsible_party", "source": "by_source", "street": "by_street"}
# The parameters the statistics take (the API's StatsQuery): what a preset or an export link keeps.
ARGS = ("source", "created_from", "created_to", "street_id", "compound_id")


@dataclass
class Row:
    key: str
    name: str
    count: int
    share: str  # four places, as the API

    @property
    def percent(self) -> str:
        return percent(self.share)


def percent(share: str) -> str:
    """ "0.3879" → "38.8%": one place, half up (seed 003 writes "占总数39%")."""
    return f"{(Decimal(share) * 100).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"


def quarter_name(code: str) -> str:
    """ "2026Q3" → 2026年第3季度."""
    return _("%(year)s Q%(quarter)s", year=code[:4], quarter=code[-1])


def period_name(first: date | None, last: date | None) -> str:
    if first and last and first.day == 1 and first.month % 3 == 1 and last == _quarter_end(first):
        return quarter_name(f"{first.year}Q{(first.month - 1) // 3 + 1}")
    if first and last:
        return _("%(first)s to %(last)s", first=first.isoformat(), last=last.isoformat())
    if first:
        return _("Since %(first)s", first=first.isoformat())
    if last:
        return _("Up to %(last)s", last=last.isoformat())
    return _("To date")


def _quarter_end(first: date) -> date:
    following = date(first.year + first.month // 10, (first.month + 2) % 12 + 1, 1)
    return following - timedelta(days=1)


def headline(found: dict, filters: queries.Filters) -> str:
    """Seed 003's sentence for the figures found: "2026年第3季度共受理投诉 116 件，其中施工管理、
    质量安全 45 件，占 38.8%。"."""
    figure = stats.construction_quality(found)
    numbers = {
        "period": period_name(filters.created_from, filters.created_to),
        "total": found["tickets"],
        "count": figure["count"],
        "share": percent(figure["share"]),
    }
    if filters.source is None or filters.source == TicketSource.hotline_12345:
        return _(
            "%(period)s, %(total)d complaints received; %(count)d of them about construction management, "
            "quality and safety, %(share)s.",
            **numbers,
        )
    # Only another channel's tickets (a resident's report, an inspection…): tickets, not complaints.
    return _(
        "%(period)s, %(total)d tickets from %(source)s; %(count)d of them about construction management, "
        "quality and safety, %(share)s.",
        source=SOURCES[filters.source],
        **numbers,
    )


def counted_categories() -> str:
    """The categories seed 003's figure counts, as a list reads in the reader's language (A、B和C)."""
    return format_list(
        [str(CATEGORIES.get(code, code)) for code in stats.CONSTRUCTION_QUALITY], locale=get_locale() or "zh"
    )


def sections(found: dict) -> list[tuple[str, str, list[Row]]]:
    """(id, title, rows) per breakdown; rows of every code the API lists, most tickets first."""
    found_sections = []
    for section, title, names in SECTIONS:
        rows = [
            Row(key, str(entry.get("name") or names.get(key, key)), entry["count"], entry["share"])
            for key, entry in found[KEYS[section]].items()
        ]
        rows.sort(key=lambda row: (-row.count, row.name))
        found_sections.append((section, str(title), rows))
    return found_sections


def figures(found_sections) -> dict[str, dict]:
    """One bar chart per breakdown, of the rows with tickets."""
    return {
        section: charts.share_bars(
            [(r.name, r.count, r.percent) for r in rows if r.count], _("Tickets by %(breakdown)s", breakdown=title)
        )
        for section, title, rows in found_sections
    }


TYPES = {
    "csv": ("text/csv; charset=utf-8", export.write_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", export.write_xlsx),
}


def download(fmt: str, found: dict, filters: queries.Filters) -> Response:
    """The page's numbers as one table: a total row, seed 003's row, then every breakdown's rows
    (group, code, name, tickets, four-place share, percent). Cells go through common.export."""
    total, figure = found["tickets"], stats.construction_quality(found)
    period = period_name(filters.created_from, filters.created_to)
    everything = stats.share(total, total)
    rows = [
        [_("Total"), "", period, count(total), _share(everything), percent(everything)],
        [
            _("Construction management, quality and safety"),
            "construction_quality",
            counted_categories(),
            count(figure["count"]),
            _share(figure["share"]),
            percent(figure["share"]),
        ],
    ]
    for _section, title, found_rows in sections(found):
        rows += [[title, r.key, r.name, count(r.count), _share(r.share), r.percent] for r in found_rows]
    headers = [_("Breakdown"), _("Code"), _("Name"), _("Number of tickets"), _("Share"), _("Share (%)")]
    mimetype, write = TYPES[fmt]
    name = "complaint-stats-" + "-".join(d.strftime("%Y%m%d") for d in (filters.created_from, filters.created_to) if d)
    body = write(
        rows, headers, title=str(_("Complaint statistics")), scope=scope_of(current_user), as_of=filters.created_to
    )
    return Response(
        body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name.rstrip("-")}.{fmt}"'}
    )


def _share(four_places: str):
    """The API's four-place share ("0.3879"): that text in the CSV, a 0.0% number in the XLSX."""
    return share_cell(Decimal(four_places), four_places)
