"""What a project's quality deposit (质量保证金) may be, checked whenever a project is created or
changed (services._apply calls `check_deposit`).

- Seed 004 §九(十二): "施工合同中应约定工程质量保证金" — the contract agrees it, so a contract
  that holds one back (`retention`) or takes a bank guarantee in its place (`bank_guarantee`)
  cannot record 0.
- 《建设工程质量保证金管理办法》(建质〔2017〕138号) 第七条: "保证金总预留比例不得高于工程价款结算总额
  的3%", and a bank guarantee in its place is capped the same way. The base is the settlement
  amount once it is recorded, the contract amount until then; a deposit with neither is refused,
  since nothing could show it is within the cap.
- 第六条: where the works are covered by quality insurance or another guarantee
  (`insurance`), no deposit may be held as well.
- A deposit cannot be lowered below what has already been released or forfeited.

A project whose terms were never recorded (older rows, callers that send none) is read as a
retention when it holds a deposit, and left alone when it holds none.
"""

from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext as _

from pm_app.common.money import fen_to_yuan, round_fen
from pm_app.errors import DomainError
from pm_app.warranties.models import DepositTerms, RenovationProject

CAP_PERCENT = 3
FIELDS = frozenset(
    {"deposit_fen", "contract_amount_fen", "settlement_amount_fen", "deposit_terms"}
)  # what re-judges it
RULE = "《建设工程质量保证金管理办法》第七条"
CONTRACT_RULE = "吉市政办发〔2020〕5号 §九(十二)"
INSURANCE_RULE = "《建设工程质量保证金管理办法》第六条"


def cap_fen(base_fen: int) -> int:
    """3 % of the base, rounded down to a fen: the most that may be held."""
    return int(Decimal(base_fen) * CAP_PERCENT // 100)


def check_deposit(project: RenovationProject) -> None:
    deposit, terms = project.deposit_fen or 0, project.deposit_terms
    decided = (project.deposit_returned_fen or 0) + (project.deposit_forfeited_fen or 0)
    if deposit < decided:
        _refuse(
            "quality_deposit",
            _("at least %(decided)s: that much has already been released or forfeited", decided=fen_to_yuan(decided)),
        )
    if terms in (DepositTerms.retention, DepositTerms.bank_guarantee) and deposit == 0:
        _refuse(
            "quality_deposit",
            _(
                "The contract agrees a quality deposit, so it cannot be 0 (%(rule)s: 施工合同中应约定工程质量保证金).",
                rule=CONTRACT_RULE,
            ),
        )
    if terms == DepositTerms.insurance and deposit > 0:
        _refuse(
            "quality_deposit",
            _(
                "must be 0: the works are covered by quality insurance or another "
                "guarantee, and no deposit may be held as well (%(rule)s).",
                rule=INSURANCE_RULE,
            ),
        )
    if deposit == 0:
        return
    base = project.settlement_amount_fen if project.settlement_amount_fen is not None else project.contract_amount_fen
    if base is None:
        _refuse(
            "contract_amount",
            _(
                "required with a quality deposit: the deposit may be at most 3%% of the settlement (%(rule)s).",
                rule=RULE,
            ),
        )
    if deposit > cap_fen(base):
        what = _("the settlement amount") if project.settlement_amount_fen is not None else _("the contract amount")
        _refuse(
            "quality_deposit",
            _(
                "at most %(cap)s yuan, 3%% of %(what)s %(base)s (%(rule)s: "
                "保证金总预留比例不得高于工程价款结算总额的3%%).",
                cap=fen_to_yuan(cap_fen(base)),
                what=what,
                base=fen_to_yuan(base),
                rule=RULE,
            ),
        )


def share_of_base(project: RenovationProject) -> Decimal | None:
    """The deposit as a share of its base, for the project page ("2.50 %")."""
    base = project.settlement_amount_fen if project.settlement_amount_fen is not None else project.contract_amount_fen
    if not base:
        return None
    return Decimal(round_fen(project.deposit_fen * 10000, base)) / 100


def _refuse(field: str, problem: str) -> None:
    raise DomainError(
        _("The quality deposit breaks the rules on deposits: %(problem)s", problem=problem), {field: [problem]}
    )
