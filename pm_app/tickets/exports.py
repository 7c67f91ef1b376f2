"""The board's tickets as CSV or XLSX: the same scoped, filtered rows the board lists, the
reporter's name and phone masked for whoever may not call back (services.sees_reporter),
every cell through common.export, which defuses formulas."""

from __future__ import annotations

from flask import Response
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from pm_app.common import export
from pm_app.common.cells import count, moment, money, scope_of
from pm_app.common.clock import now, today
from pm_app.common.privacy import mask_name, mask_phone
from pm_app.tickets import queries, services, sla
from pm_app.tickets.labels import rated_by, ticket_label

TYPES = {
    "csv": ("text/csv; charset=utf-8", export.write_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", export.write_xlsx),
}

COLUMNS = (
    (_l("Tracking code"), lambda t, x: t.tracking_code),
    (_l("Compound code"), lambda t, x: x["compound"].code),
    (_l("Compound"), lambda t, x: x["compound"].name),
    (_l("Category"), lambda t, x: ticket_label(t.category)),
    (_l("Priority"), lambda t, x: ticket_label(t.priority)),
    (_l("Source"), lambda t, x: ticket_label(t.source)),
    (_l("Platform order number"), lambda t, x: t.external_ref or ""),
    (_l("Status"), lambda t, x: ticket_label(t.status)),
    (_l("Responsible party"), lambda t, x: ticket_label(t.responsible_party)),
    (_l("Assignee"), lambda t, x: x["firm"] or ""),
    (_l("Description"), lambda t, x: t.description),
    (_l("Location"), lambda t, x: t.location or ""),
    (_l("Reporter"), lambda t, x: x["name"] or ""),
    (_l("Reporter's phone"), lambda t, x: x["phone"] or ""),
    (_l("Reported at"), lambda t, x: moment(t.reported_at)),
    (_l("Respond by"), lambda t, x: moment(t.respond_by)),
    (_l("Resolve by"), lambda t, x: moment(t.resolve_by)),
    (_l("Resolved at"), lambda t, x: moment(t.resolved_at)),
    (_l("Overdue"), lambda t, x: _("yes") if x["overdue"] else _("no")),
    (_l("Cost (yuan)"), lambda t, x: money(t.cost_fen)),
    (_l("Satisfaction"), lambda t, x: count(t.satisfaction)),
    (_l("Rated by"), lambda t, x: rated_by(t.satisfaction_by)),
)


def download(fmt: str, user, tickets: list, name: str, title: str | None = None) -> Response:
    """A streamed attachment named `<name>-<today>.<fmt>`."""
    # Loaded once: sees_reporter then finds each ticket's compound in the session, not by a query.
    compounds = queries.compounds_by_id(user, (t.compound_id for t in tickets))
    firms = queries.firm_names(t.assignee_firm_id for t in tickets)
    at = now()

    def rows():
        for ticket in tickets:
            shown = services.sees_reporter(user, ticket)
            extra = {
                "compound": compounds[ticket.compound_id],
                "firm": firms.get(ticket.assignee_firm_id),
                "overdue": sla.overdue(ticket, at),
                "name": ticket.reporter_name if shown else mask_name(ticket.reporter_name),
                "phone": ticket.reporter_phone if shown else mask_phone(ticket.reporter_phone),
            }
            yield [value(ticket, extra) for _title, value in COLUMNS]

    mimetype, write = TYPES[fmt]
    body = write(rows(), [str(header) for header, _value in COLUMNS], title=title or _("Tickets"), scope=scope_of(user))
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{name}-{today():%Y%m%d}.{fmt}"'},
    )
