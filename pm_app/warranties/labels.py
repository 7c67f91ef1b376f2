"""How works and warranty values read on pages and in exports: item states, deposit states,
funding sources and claim states. The API keeps the English values; people read 即将到期 and
部分扣除. Templates use the `works_label` filter."""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l

from pm_app.warranties.models import ClaimState, DepositState, DepositTerms, FundingSource

ITEM_STATES = {
    "active": _l("In warranty"),
    "expiring": _l("Expiring"),
    "expired": _l("Expired"),
}

DEPOSIT_STATES = {
    DepositState.held: _l("Held"),
    DepositState.released: _l("Released"),
    DepositState.partly_forfeited: _l("Partly forfeited"),
    DepositState.forfeited: _l("Forfeited"),
}

FUNDING_SOURCES = {
    FundingSource.central: _l("Central government"),
    FundingSource.provincial: _l("Province"),
    FundingSource.city: _l("City"),
    FundingSource.district: _l("District"),
    FundingSource.residents: _l("Residents"),
    FundingSource.utility: _l("Utility units"),
    FundingSource.social_capital: _l("Social capital"),
    FundingSource.special_bonds: _l("Special bonds"),
    FundingSource.original_owner: _l("Original owner unit"),
}

CLAIM_STATES = {ClaimState.open: _l("Open"), ClaimState.closed: _l("Closed")}

DECISION_KINDS = {"release": _l("Release"), "forfeit": _l("Forfeit")}

WITHIN_DAYS = (30, 90, 180)  # the street's look-ahead choices, the alert stages T−30/90/180

# Issue 26: what the contract says of the deposit (deposit_rules.py).
DEPOSIT_TERMS = {
    DepositTerms.retention: _l("Deposit held back"),
    DepositTerms.bank_guarantee: _l("Bank guarantee in its place"),
    DepositTerms.insurance: _l("Quality insurance or another guarantee (no deposit)"),
}

_BY_ENUM = {
    DepositState: DEPOSIT_STATES,
    FundingSource: FUNDING_SOURCES,
    ClaimState: CLAIM_STATES,
    DepositTerms: DEPOSIT_TERMS,
}


def works_label(value) -> str:
    """The display name of an item state ("expiring"), a decision kind, or a works enum member."""
    if value is None:
        return ""
    if isinstance(value, enum.Enum):
        return str(_BY_ENUM.get(type(value), {}).get(value, value.value))
    return str(ITEM_STATES.get(value) or DECISION_KINDS.get(value) or value)
