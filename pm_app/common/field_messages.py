"""marshmallow's own refusals ("Not a valid integer.") in the reader's language. marshmallow has
no catalogue of its own (WTForms has: Flask-WTF's I18N puts its messages in Chinese), so a page
refused by an input schema showed "ticket_id: Not a valid integer." in English. Its default
messages are looked up in ours here; a message a schema wrote itself is already translated and
passes through unchanged."""

from __future__ import annotations

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp

from pm_app.common.inputs import ascii_digits

FIXED = {
    "Missing data for required field.": _l("Missing data for required field."),
    "Field may not be null.": _l("This field may not be empty."),
    "Unknown field.": _l("Unknown field."),
    "Invalid input type.": _l("Invalid input type."),
    "Invalid value.": _l("Invalid value."),
    "Invalid input.": _l("Invalid input."),
    "Not a valid integer.": _l("Not a valid integer."),
    "Not a valid number.": _l("Not a valid number."),
    "Number too large.": _l("Number too large."),
    "Not a valid string.": _l("Not a valid string."),
    "Not a valid boolean.": _l("Not a valid boolean."),
    "Not a valid date.": _l("Not a valid date."),
    "Not a valid datetime.": _l("Not a valid date and time."),
    "Not a valid list.": _l("Not a valid list."),
    "Not a valid email address.": _l("Not a valid email address."),
    "String does not match expected pattern.": _l("Not in the expected form."),
}
PATTERNS = [
    (
        re.compile(r"Must be greater than or equal to (\S+) and less than or equal to (\S+)\."),
        lambda m: _("Must be between %(min)s and %(max)s.", min=m[1], max=m[2]),
    ),
    (re.compile(r"Must be greater than or equal to (\S+)\."), lambda m: _("Must be at least %(min)s.", min=m[1])),
    (re.compile(r"Must be less than or equal to (\S+)\."), lambda m: _("Must be at most %(max)s.", max=m[1])),
    (re.compile(r"Longer than maximum length ([0-9]+)\."), lambda m: _("At most %(max)s characters.", max=m[1])),
    (re.compile(r"Shorter than minimum length ([0-9]+)\."), lambda m: _("At least %(min)s characters.", min=m[1])),
    (
        re.compile(r"Length must be between ([0-9]+) and ([0-9]+)\."),
        lambda m: _("Between %(min)s and %(max)s characters.", min=m[1], max=m[2]),
    ),
    (re.compile(r"Must be one of: (.*)\."), lambda m: _("Must be one of: %(choices)s.", choices=m[1])),
]


def translated(messages):
    """The same nesting (field → problems, or deeper for lists and nested schemas), each of
    marshmallow's defaults in the request's language."""
    if isinstance(messages, dict):
        return {key: translated(value) for key, value in messages.items()}
    if isinstance(messages, (list, tuple)):
        return [translated(value) for value in messages]
    if isinstance(messages, str):
        if messages in FIXED:
            return str(FIXED[messages])
        for pattern, say in PATTERNS:
            match = pattern.fullmatch(messages)
            if match:
                return say(match)
    return messages


# The fields the pages' forms and the API post, by the label a reader knows them by (issue 27: the
# error page said "ticket_id: …"). Context "field": these are form labels, apart from the same
# English words elsewhere in the catalogue ("Category" of a warranty item, "Grounds" of a compound).
FIELD_LABELS = {
    "ticket_id": _lp("field", "Ticket"),
    "compound_id": _lp("field", "Compound"),
    "building_id": _lp("field", "Building"),
    "household_id": _lp("field", "Household"),
    "firm_id": _lp("field", "Firm"),
    "contractor_id": _lp("field", "Contractor"),
    "street_id": _lp("field", "Street"),
    "project_id": _lp("field", "Project"),
    "warranty_item_id": _lp("field", "Warranty item"),
    "inspection_id": _lp("field", "Inspection"),
    "period_id": _lp("field", "Ranking period"),
    "period": _lp("field", "Period"),
    "adjustment_id": _lp("field", "Deduction"),
    "appeal_id": _lp("field", "Appeal"),
    "bill_id": _lp("field", "Bill"),
    "bill_ids": _lp("field", "Bills"),
    "payment_id": _lp("field", "Payment"),
    "claim_id": _lp("field", "Warranty claim"),
    "contract_id": _lp("field", "Fee arrangement"),
    "committee_id": _lp("field", "Committee"),
    "user_id": _lp("field", "User"),
    "assignee_firm_id": _lp("field", "Assigned unit"),
    "assignee_user_id": _lp("field", "Assigned person"),
    "category": _lp("field", "Category"),
    "priority": _lp("field", "Priority"),
    "source": _lp("field", "Source"),
    "channel": _lp("field", "Channel"),
    "description": _lp("field", "Description"),
    "note": _lp("field", "Note"),
    "reason": _lp("field", "Reason"),
    "grounds": _lp("field", "Grounds of the appeal"),
    "accept": _lp("field", "Decision"),
    "responsible_party": _lp("field", "Responsible party"),
    "routing_note": _lp("field", "Reason for re-routing"),
    "resolution": _lp("field", "What was done"),
    "satisfaction": _lp("field", "Satisfaction"),
    "satisfaction_comment": _lp("field", "Comment"),
    "reporter_name": _lp("field", "Reporter's name"),
    "reporter_phone": _lp("field", "Reporter's phone"),
    "external_ref": _lp("field", "12345 order number"),
    "tracking_code": _lp("field", "Tracking code"),
    "inspected_on": _lp("field", "Inspection date"),
    "participants": _lp("field", "Participants"),
    "score": _lp("field", "Score"),
    "summary": _lp("field", "Summary"),
    "findings": _lp("field", "Findings"),
    "warranty_start": _lp("field", "Warranty start"),
    "warranty_end": _lp("field", "Warranty end"),
    "warranty_years": _lp("field", "Warranty years"),
    "quantity": _lp("field", "Quantity"),
    "unit": _lp("field", "Unit of measure"),
    "location": _lp("field", "Location"),
    "acceptance_date": _lp("field", "Acceptance date"),
    "deposit": _lp("field", "Quality deposit"),
    "quality_deposit": _lp("field", "Quality deposit"),
    "year": _lp("field", "Year"),
    "name": _lp("field", "Name"),
    "code": _lp("field", "Code"),
    "address": _lp("field", "Address"),
    "phone": _lp("field", "Phone"),
    "username": _lp("field", "Username"),
    "password": _lp("field", "Password"),
    "current_password": _lp("field", "Current password"),
    "new_password": _lp("field", "New password"),
    "role": _lp("field", "Role"),
    "amount": _lp("field", "Amount"),
    "method": _lp("field", "Payment method"),
    "paid_on": _lp("field", "Payment date"),
    "due_date": _lp("field", "Due date"),
    "occurred_on": _lp("field", "Date"),
    "rectify_by": _lp("field", "Rectify by"),
    "points": _lp("field", "Points"),
    "kind": _lp("field", "Kind"),
    "veto": _lp("field", "Veto"),
    "document": _lp("field", "Document number"),
    "question": _lp("field", "Question"),
    "answer": _lp("field", "Answer"),
    "reply": _lp("field", "Reply"),
    "voted_on": _lp("field", "Vote date"),
    "elected_on": _lp("field", "Election date"),
    "term_years": _lp("field", "Term (years)"),
    "starts_on": _lp("field", "Start date"),
    "ends_on": _lp("field", "End date"),
    "state": _lp("field", "State"),
    "status": _lp("field", "Status"),
    "as_of": _lp("field", "As of"),
    "page": _lp("field", "Page"),
    "q": _lp("field", "Search"),
    "key": _lp("field", "Request key"),
    "Idempotency-Key": _lp("field", "Request key"),
    "file": _lp("field", "File"),
    "photo": _lp("field", "Photo"),
    "photos": _lp("field", "Photos"),
    "cost": _lp("field", "Cost (yuan)"),
    "cost_yuan": _lp("field", "Cost (yuan)"),
}


def field_label(name) -> str:
    """A field's name as the error page shows it: its label, a nested one as its parts
    ("findings.0.warranty_item_id" → "发现的问题 · 第 1 条 · 质保项目"), an unknown one as it is."""
    parts = []
    for part in str(name).split("."):
        if ascii_digits(part):
            parts.append(_("no. %(n)d", n=int(part) + 1))
        else:
            parts.append(str(FIELD_LABELS.get(part, part)))
    return " · ".join(parts)
