"""Bills for many compounds at once: a period for every compound a firm or a street manages, as
one tracked job (pm_app/jobs) that bills each compound through `generate.generate_for_compound`,
the same rules as one compound at a time, and commits after each.

Which compounds: for a firm, those where one of its contracts overlaps the period or is still in
force (so a compound it took over after the period shows up, skipped, with the reason); for a
street, all of the street's compounds. Always within what the caller sees; a firm's staff only
their firm's. The summary says per compound what was created and what was already there, and
why a compound was skipped (no contract in force then, the period billed by another party's
contract, the firm's contract ended, a zero rate, no households).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from pm_app.auth.models import Role, User
from pm_app.auth.scope import get_visible, scope_clause
from pm_app.common.clock import today
from pm_app.errors import DomainError
from pm_app.extensions import db
from pm_app.fees.billing import generate
from pm_app.fees.periods import first_day, last_day, period_of, shift
from pm_app.jobs import services as jobs
from pm_app.jobs.models import Job
from pm_app.jobs.scope import organisation_of
from pm_app.org.models import Compound, Firm, ServiceContract, Street
from pm_app.org.services import Forbidden, ensure

KIND = "bills.generate"
ROLES = (Role.admin, Role.regulator, Role.street_officer, Role.firm_staff)
REASONS = {  # why a compound was skipped (the `reason` codes of the summary)
    "no_contract": _l("no service contract in force in that month"),
    "other_party": _l("that month is billed under another party's contract"),
    "contract_ended": _l("your firm's contract here has ended"),
    "zero_rate": _l("the contract's fee rate is zero"),
    "no_households": _l("no households registered"),
    "not_allowed": _l("you may not bill this compound"),
}


@dataclass
class Selection:
    scope: str  # "firm" | "street"
    scope_id: int
    name: str
    period: str
    compounds: list  # (id, code, name), by code

    @property
    def key(self) -> str:
        return f"{KIND}:{self.scope}:{self.scope_id}:{self.period}"


def latest_period() -> str:
    """The last month that may be billed ahead: next month."""
    return shift(period_of(today()), 1)


def select_compounds(user, period: str, firm_id: int | None = None, street_id: int | None = None) -> Selection:
    """The compounds a bulk run would bill; 404 for a firm or street the caller cannot see."""
    ensure(user.role in ROLES, _l("generate bills for many compounds"))
    if period > latest_period():
        raise DomainError(
            _("Bills can be generated up to next month (%(latest)s).", latest=latest_period()),
            {"period": [_("must not be later than %(latest)s", latest=latest_period())]},
        )
    query = select(Compound.id, Compound.code, Compound.name).where(scope_clause(Compound, user))
    if firm_id is not None:
        firm = get_visible(Firm, firm_id, user)
        scope, scope_id, name = "firm", firm.id, firm.name
        query = query.where(managed_by(firm.id, period))
    else:
        street = get_visible(Street, street_id, user)
        scope, scope_id, name = "street", street.id, street.name
        query = query.where(Compound.street_id == street.id)
    if user.role == Role.firm_staff:  # a firm's staff bill their firm's compounds, whichever scope they name
        query = query.where(managed_by(user.firm_id, period))
    compounds = [tuple(row) for row in db.session.execute(query.order_by(Compound.code))]
    if not compounds:
        field = "firm_id" if firm_id is not None else "street_id"
        raise DomainError(_("There are no compounds to bill here."), {field: [_("has no compounds to bill")]})
    return Selection(scope, scope_id, name, period, compounds)


def managed_by(firm_id: int, period: str):
    """The firm has a contract for the compound overlapping the period, or one still in force."""
    return Compound.id.in_(
        select(ServiceContract.compound_id).where(
            ServiceContract.firm_id == firm_id,
            or_(
                (ServiceContract.start_date <= last_day(period)) & (ServiceContract.end_date >= first_day(period)),
                ServiceContract.end_date >= today(),
            ),
        )
    )


def start(user, selection: Selection) -> Job:
    """Queue the run (flushed; the caller commits, then `jobs.launch(job.id)`). A run for the
    same scope and period while one is queued or running: 409 naming it."""

    def busy(running: Job) -> str:
        return _(
            "Bills for %(period)s are already being generated here: job %(id)d (%(done)d of %(total)d compounds done).",
            period=selection.period,
            id=running.id,
            done=running.progress_done,
            total=running.progress_total,
        )

    org = organisation_of(user)
    if user.role == Role.street_officer and selection.scope == "street":
        org = ("street", selection.scope_id)  # the office of that street, whichever of its streets come first
    params = {
        "period": selection.period,
        "scope": selection.scope,
        "scope_id": selection.scope_id,
        "scope_name": selection.name,
        "compound_ids": [c[0] for c in selection.compounds],
        "locale": str(get_locale() or "zh"),
    }
    return jobs.start(user, KIND, params, len(selection.compounds), org, selection.key, busy)


@jobs.runner(KIND, _l("Bills for many compounds"))
def bill_compounds(job: Job, progress: jobs.Progress) -> dict:
    params = job.params
    user, period = db.session.get(User, job.created_by_id), params["period"]
    rows: list[dict] = []
    progress.result = summary(period, params, rows)
    with force_locale(params.get("locale") or "zh"):  # the notes in the language of the page that started it
        for compound_id in params["compound_ids"]:
            compound = db.session.get(Compound, compound_id)
            if compound is not None:
                rows.append(bill_one(user, compound, period))
                progress.result = summary(period, params, rows)
            progress.step()  # commits this compound's bills with the count
    return progress.result


def bill_one(user, compound: Compound, period: str) -> dict:
    row = {
        "compound_id": compound.id,
        "code": compound.code,
        "name": compound.name,
        "status": "skipped",
        "reason": None,
        "party": None,
        "created": 0,
        "existing": 0,
        "skipped": 0,
        "notes": [],
    }
    contract = db.session.scalar(
        select(ServiceContract).where(ServiceContract.compound_id == compound.id, generate.contract_for_period(period))
    )
    try:
        with db.session.begin_nested():
            result = generate.generate_for_compound(user, compound, period)
    except Forbidden:
        row["reason"], row["party"] = _refusal(user, contract)
        return row
    except DomainError as error:  # nothing to bill (no households)
        row["reason"], row["notes"] = "no_households", [error.message]
        return row
    row.update(
        created=result.created,
        existing=result.existing,
        skipped=result.skipped,
        notes=sorted({problem["reason"] for problem in result.problems}),
    )
    if contract is None:
        row["reason"] = "no_contract"
    elif contract.fee_rate_fen == 0:
        row["reason"] = "zero_rate"
    else:
        row["status"] = "billed"
    return row


def _refusal(user, contract: ServiceContract | None) -> tuple[str, str | None]:
    if contract is None:
        return "no_contract", None
    if user.role == Role.firm_staff and contract.firm_id != user.firm_id:
        holder = db.session.get(Firm, contract.firm_id) if contract.firm_id else None
        return "other_party", holder.name if holder else None
    if user.role == Role.firm_staff:
        return "contract_ended", None
    return "not_allowed", None


def summary(period: str, params: dict, rows: list[dict]) -> dict:
    billed = [r for r in rows if r["status"] == "billed"]
    return {
        "period": period,
        "scope": params["scope"],
        "scope_id": params["scope_id"],
        "scope_name": params.get("scope_name"),
        "totals": {
            "compounds": len(rows),
            "billed": len(billed),
            "skipped": len(rows) - len(billed),
            "created": sum(r["created"] for r in rows),
            "existing": sum(r["existing"] for r in rows),
            "households_skipped": sum(r["skipped"] for r in rows),
        },
        "compounds": list(rows),
    }
