"""The quality-guarantee deposit (质量保证金): held from acceptance, released to the contractor
when the warranty has been honoured, or forfeited (in part) to pay for repairs it did not make.
Release waits while any warranty claim of the project is open.

Every decision locks the project's row before reading what is left, so ten "release all"
clicks at once record one release and nine 409s, and a release racing a forfeit never
decides more than the deposit (issue 23)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from pm_app.common.money import fen_to_yuan
from pm_app.errors import Conflict, DomainError
from pm_app.extensions import db
from pm_app.locks import locked
from pm_app.org.services import ensure
from pm_app.warranties.models import DepositDecision, DepositState, RenovationProject
from pm_app.warranties.services import can_manage_works, open_claims


def remaining(project: RenovationProject) -> int:
    return project.deposit_fen - project.deposit_returned_fen - project.deposit_forfeited_fen


def release(user, project: RenovationProject, amount_fen: int | None, reason: str) -> DepositDecision:
    project = locked(project)
    claims = open_claims(project.id)
    if claims:
        raise Conflict(
            _("The deposit cannot be released while %(n)d warranty claim(s) of this project are open.", n=claims),
            {"deposit": [_("%(n)d open warranty claim(s)", n=claims)]},
        )
    return _decide(user, project, "release", amount_fen, reason)


def forfeit(user, project: RenovationProject, amount_fen: int | None, reason: str) -> DepositDecision:
    return _decide(user, locked(project), "forfeit", amount_fen, reason)


def decisions(project_id: int) -> list[DepositDecision]:
    return list(
        db.session.scalars(
            select(DepositDecision).where(DepositDecision.project_id == project_id).order_by(DepositDecision.id)
        )
    )


def _decide(user, project: RenovationProject, kind: str, amount_fen: int | None, reason: str) -> DepositDecision:
    ensure(can_manage_works(user, project.compound), _l("decide on this project's deposit"))
    left = remaining(project)
    amount = left if amount_fen is None else amount_fen
    errors = {}
    if not (reason or "").strip():
        errors["reason"] = [_("required")]
    if left == 0:
        raise Conflict(_("Nothing of this deposit is left to decide on."))
    if amount <= 0 or amount > left:
        errors["amount"] = [_("between 0.01 and %(left)s", left=fen_to_yuan(left))]
    if errors:
        raise DomainError(_("The decision was not recorded."), errors)
    decision = DepositDecision(
        project_id=project.id, kind=kind, amount_fen=amount, reason=reason.strip(), decided_by_id=user.id
    )
    db.session.add(decision)
    if kind == "release":
        project.deposit_returned_fen += amount
    else:
        project.deposit_forfeited_fen += amount
    project.deposit_state = _state(project)
    db.session.flush()
    return decision


def _state(project: RenovationProject) -> DepositState:
    if remaining(project) > 0:
        return DepositState.held
    if project.deposit_forfeited_fen == 0:
        return DepositState.released
    if project.deposit_forfeited_fen == project.deposit_fen:
        return DepositState.forfeited
    return DepositState.partly_forfeited
