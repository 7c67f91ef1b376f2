"""The audit page's 类型: what a record is about (the audited table, or what a refusal concerned)
by its label, never the table's name (`service_contract`, `ranking_adjustment`), and the filter as
a choice among them instead of a code to type. A kind with no label (a refusal about a table not
listed) shows its code rather than nothing."""

from __future__ import annotations

from flask_babel import lazy_pgettext

from pm_app.audit.models import LOGIN, REQUEST
from pm_app.audit.registry import AUDITED_TABLES

# The catalogue's context "audit kind": "Payment" here is a record's kind, not a field or a button.


KIND_LABELS = {
    # the audited tables (registry.AUDITED)
    "bill": lazy_pgettext("audit kind", "Bill"),
    "payment": lazy_pgettext("audit kind", "Payment"),
    "waiver": lazy_pgettext("audit kind", "Waiver"),
    "service_contract": lazy_pgettext("audit kind", "Service arrangement"),
    "ledger_entry": lazy_pgettext("audit kind", "Books entry"),
    "ledger_query": lazy_pgettext("audit kind", "Question on the books"),
    "fund_vote": lazy_pgettext("audit kind", "Maintenance fund vote"),
    "committee": lazy_pgettext("audit kind", "Owners' organisation"),
    "committee_member": lazy_pgettext("audit kind", "Member of an owners' organisation"),
    "party_record": lazy_pgettext("audit kind", "Party organisation"),
    "ranking_scheme": lazy_pgettext("audit kind", "Scoring scheme"),
    "ranking_period": lazy_pgettext("audit kind", "Ranking period"),
    "ranking_adjustment": lazy_pgettext("audit kind", "Award or deduction"),
    "ranking_appeal": lazy_pgettext("audit kind", "Appeal"),
    "renovation_project": lazy_pgettext("audit kind", "Renovation project"),
    "project_acceptance": lazy_pgettext("audit kind", "Joint acceptance"),
    "acceptance_finding": lazy_pgettext("audit kind", "Acceptance defect"),
    "project_document": lazy_pgettext("audit kind", "Handed-over document"),
    "user": lazy_pgettext("audit kind", "Account"),
    # what refusals are noted about (audit.denials): the request itself, a sign-in, an object
    REQUEST: lazy_pgettext("audit kind", "Request"),
    LOGIN: lazy_pgettext("audit kind", "Sign-in"),
    "compound": lazy_pgettext("audit kind", "Compound"),
    "household": lazy_pgettext("audit kind", "Household"),
    "ticket": lazy_pgettext("audit kind", "Ticket"),
    "warranty_item": lazy_pgettext("audit kind", "Warranty item"),
    "warranty_claim": lazy_pgettext("audit kind", "Warranty claim"),
    "alert": lazy_pgettext("audit kind", "Alert"),
    "job": lazy_pgettext("audit kind", "Background job"),
    "street": lazy_pgettext("audit kind", "Street"),
    "district": lazy_pgettext("audit kind", "District"),
    "city": lazy_pgettext("audit kind", "City"),
    "firm": lazy_pgettext("audit kind", "Firm"),
    "receipt": lazy_pgettext("audit kind", "Receipt"),
    "import_upload": lazy_pgettext("audit kind", "Uploaded file"),
}
FILTER_KINDS = sorted(AUDITED_TABLES) + [REQUEST, LOGIN]


def kind_label(kind: str | None) -> str:
    label = KIND_LABELS.get(kind or "")
    return str(label) if label is not None else (kind or "")
