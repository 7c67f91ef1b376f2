"""The renovation money report as an XLSX workbook (common.export: formulas defused): the
figures of the city or district first, then one row per district, labels in the reader's
language, shares as the four-place ratios the API gives."""
from __future__ import annotations

from flask import Response
from flask_babel import gettext as _

from pm_app.common import export
from pm_app.common.clock import today

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def rows(found: dict, labels: dict[str, str]) -> list[list]:
    funding, completion, payments = found["funding"], found["completion"], found["payments"]
    out = [[_("Projects"), found["projects"], ""],
           [_("Total investment (yuan)"), funding["total"], ""],
           [_("Paid (yuan)"), payments["paid"], payments["progress"]],
           [_("Completed late or overdue"), completion["late"], completion["late_share"]],
           [_("of which accepted after the planned completion"), completion["completed_late"], ""],
           [_("of which not completed and past the planned completion"), completion["overdue_not_completed"], ""],
           [_("Projects with a planned completion"), completion["with_planned_date"], ""],
           [_("Central and provincial subsidies (上级补助)"), "", funding["superior_share"]]]
    for key, row in funding["by_source"].items():
        out.append([_("Funding: %(source)s", source=labels.get(key, key)), row["amount"], row["share"]])
    for key, row in payments["by_source"].items():
        out.append([_("Paid from %(source)s", source=labels.get(key, key)), row["paid"], row["progress"]])
    for district in found["by_district"]:
        out.append([_("District %(name)s: projects / late share / payment progress", name=district["name"]),
                    district["projects"], f'{district["completion"]["late_share"]} / {district["payments"]["progress"]}'])
    return out


def download(found: dict, labels: dict[str, str]) -> Response:
    body = export.write_xlsx(rows(found, labels), [_("Figure"), _("Value"), _("Share")], _("Renovation report"))
    name = f"renovation-report-{today():%Y%m%d}.xlsx"
    return Response(body, mimetype=XLSX, headers={"Content-Disposition": f'attachment; filename="{name}"'})
