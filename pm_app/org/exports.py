"""The compound list as a spreadsheet: the same filtered, scoped rows the page shows."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from flask_babel import lazy_gettext as _l

from pm_app.common.cells import area, count, day
from pm_app.org.labels import label
from pm_app.org.models import Compound

COLUMNS = (
    (_l("Code"), lambda c, n: c.code),
    (_l("Name"), lambda c, n: c.name),
    (_l("Street"), lambda c, n: c.street.name),
    (_l("Community"), lambda c, n: c.community.name if c.community else ""),
    (_l("Address"), lambda c, n: c.address or ""),
    (_l("Year built"), lambda c, n: count(c.year_built)),
    (_l("Renovation type"), lambda c, n: label(c.renovation_type)),
    (_l("Acceptance date"), lambda c, n: day(c.acceptance_date)),
    (_l("Management mode"), lambda c, n: label(c.management_mode)),
    (_l("Buildings"), lambda c, n: count(n["buildings"])),
    (_l("Households"), lambda c, n: count(n["households"])),
    # The CSV's decimal string; in the XLSX an exact Decimal, no float rounding.
    (_l("Floor area (m²)"), lambda c, n: area(n["floor_area_dm2"])),
)


def headers() -> list[str]:
    return [str(title) for title, _ in COLUMNS]


def rows(compounds: Iterable[tuple[Compound, dict]]) -> Iterator[list]:
    for compound, counts in compounds:
        yield [value(compound, counts) for _, value in COLUMNS]
