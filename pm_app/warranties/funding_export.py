"""The renovation money report as an XLSX workbook (common.export: formulas defused): the
figures of the city or district first, then one row per district, labels in the reader's
language; money, counts and shares as typed cells (common.cells) from the API's figures."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask import Response
from flask_babel import gettext as _

from pm_app.common import export
from pm_app.common.cells import count, money, percent
from pm_app.common.clock import today
from pm_app.common.money import yuan_to_fen

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def rows(found: dict, labels: dict[str, str]) -> list[list]:
    funding, completion, payments = found["funding"], found["completion"], found["payments"]
    out = [
        [_("Projects"), count(found["projects"]), ""],
        [_("Total investment (yuan)"), _yuan(funding["total"]), ""],
        [_("Paid (yuan)"), _yuan(payments["paid"]), _share(payments["progress"])],
        [_("Completed late or overdue"), count(completion["late"]), _share(completion["late_share"])],
        [_("of which accepted after the planned completion"), count(completion["completed_late"]), ""],
        [_("of which not completed and past the planned completion"), count(completion["overdue_not_completed"]), ""],
        [_("Projects with a planned completion"), count(completion["with_planned_date"]), ""],
        [_("Central and provincial subsidies (上级补助)"), "", _share(funding["superior_share"])],
    ]
    for key, row in funding["by_source"].items():
        out.append([_("Funding: %(source)s", source=labels.get(key, key)), _yuan(row["amount"]), _share(row["share"])])
    for key, row in payments["by_source"].items():
        out.append(
            [_("Paid from %(source)s", source=labels.get(key, key)), _yuan(row["paid"]), _share(row["progress"])]
        )
    for district in found["by_district"]:
        out.append(
            [
                _("District %(name)s: projects / late share / payment progress", name=district["name"]),
                district["projects"],
                f"{district['completion']['late_share']} / {district['payments']['progress']}",
            ]
        )
    return out


def _yuan(text: str):
    return money(yuan_to_fen(text))


def _share(four_places) -> object:
    return percent(Decimal(str(four_places)), str(four_places))


def download(found: dict, labels: dict[str, str], scope: str = "") -> Response:
    body = export.write_xlsx(
        rows(found, labels),
        [_("Figure"), _("Value"), _("Share")],
        _("Renovation report"),
        scope=scope,
        as_of=date.fromisoformat(found["as_of"]),
    )
    name = f"renovation-report-{today():%Y%m%d}.xlsx"
    return Response(body, mimetype=XLSX, headers={"Content-Disposition": f'attachment; filename="{name}"'})
