"""Billing: a period's bills from the compound's contract (generate.py), for many compounds at once
as one tracked job (bulk.py) and its page (views.py). The names the rest of fees and the bill
import call are given here, so they need not know which module of billing holds them."""

from pm_app.fees.billing.generate import (
    FEE_TYPE,
    GenerateResult,
    bill_amount,
    can_bill,
    contract_for_period,
    generate_for_city,
    generate_for_compound,
)

__all__ = [
    "FEE_TYPE",
    "GenerateResult",
    "bill_amount",
    "can_bill",
    "contract_for_period",
    "generate_for_city",
    "generate_for_compound",
]
