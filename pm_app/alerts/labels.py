"""What users read instead of the codes: a rule's name, a stage, a severity, a reader's state.

The rules registry keeps an English description for developers; pages and messages show these
labels (Chinese through the catalogue). A worker sends e-mails with no reader's language, so
`in_chinese` renders a label in the city's language outside a request.
"""

from __future__ import annotations

import re

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from pm_app.alerts import notices

RULE_LABELS = {
    "warranty_expiring": _l("Warranty ending soon"),
    "deposit_release_due": _l("Quality deposit due for release"),
    "fee_collection_low": _l("Low fee collection rate"),
    "fee_collection_drop": _l("Fee collection rate dropping"),
    "ticket_overdue": _l("Repair ticket overdue"),
    "committee_term_ending": _l("Committee term ending"),
    "committee_missing": _l("No owners' committee"),
    "contract_expiring": _l("Service contract ending"),
    "compound_unmanaged": _l("Compound without management"),
    "firm_withdrawn": _l("Property firm withdrawn"),
    "maintenance_fund_low": _l("Maintenance fund running low"),
    "maintenance_fund_missing": _l("No maintenance fund"),
    "firm_blacklisted": _l("Firm on the black list"),
    "sweep_stale": _l("Scheduled check not run"),
}

STAGE_LABELS = {
    "expired": _l("Term ended"),
    "due": _l("Due soon"),
    "overdue": _l("Past the planned date"),
    "respond": _l("Response overdue"),
    "resolve": _l("Completion overdue"),
}

SEVERITY_LABELS = {"critical": _l("Critical"), "warning": _l("Warning"), "info": _l("Info")}
SEVERITY_RANK = {"critical": 3, "warning": 2, "info": 1}
STATE_LABELS = {"open": _l("Unread"), "acknowledged": _l("Acknowledged"), "resolved": _l("Resolved")}

_DAYS_BEFORE = re.compile(r"T-([0-9]+)")


def rule_label(rule: str) -> str:
    label = RULE_LABELS.get(rule) or notices.NOTICES.get(rule)
    return str(label) if label else _("Other alert")


def stage_label(stage: str | None) -> str:
    """`T-90` → 到期前 90 天; a period or a day (fee rules, a firm's withdrawal) is shown as it is;
    `sweep_stale` names the stale rule as its stage."""
    if not stage:
        return ""
    days = _DAYS_BEFORE.fullmatch(stage)
    if days:
        return _("%(days)s days before the end", days=int(days.group(1)))
    if stage in STAGE_LABELS:
        return str(STAGE_LABELS[stage])
    if stage in RULE_LABELS:
        return str(RULE_LABELS[stage])
    return stage if re.match(r"[0-9]{4}", stage) else _("Other stage")


def severity_label(severity: str) -> str:
    return str(SEVERITY_LABELS.get(severity, _("Info")))


def all_rules() -> list[tuple[str, str]]:
    """(code, label) of every rule and notice kind, for a filter's choices, in label order."""
    codes = list(RULE_LABELS) + list(notices.NOTICES)
    return sorted(((code, rule_label(code)) for code in codes), key=lambda pair: pair[1])


def in_chinese(fn, *args) -> str:
    """A label as the city reads it, for messages a worker sends."""
    with force_locale("zh"):
        return fn(*args)
