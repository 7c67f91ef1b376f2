"""The renovation money and progress report (issue 26), as seed 003's audit writes it, for the
city, one district, one year or a span of years (the projects' plan year), as of a day:

- funding shares by source: "累计争取上级补助资金约占总资金61.8%… 累计发行债券资金约占总资金37.9%";
- the share of projects completed late: "未在规定时间内竣工的项目占比65.08%" — of the projects with
  a planned completion, those accepted after it, and those not yet accepted on the report's day
  whose planned completion has passed (an unfinished project past its date is as late as one that
  finished late: the audit counts "部分项目正在施工中或未开工" among them);
- payment progress, paid ÷ total investment (the funding recorded), overall and by source:
  "中央直达资金支付进度为44.2%" is the central source's progress.

Shares are four-place ratios, half up, as the committee coverage writes them. One GROUP BY per
figure, each over the caller's projects (warranties.scope), by district; totals are their sums.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import and_, case, func, or_, select

from pm_app.auth.scope import scope_clause
from pm_app.common.money import fen_to_yuan
from pm_app.extensions import db
from pm_app.org.models import Compound, District, Street
from pm_app.warranties.funding_models import Disbursement
from pm_app.warranties.models import FundingSource, ProjectFunding, RenovationProject

SUPERIOR = (FundingSource.central, FundingSource.provincial)  # 上级补助, as seed 003 groups them


def ratio(part: int, whole: int) -> str:
    """part ÷ whole with four places, half up ("0.6508"); "0.0000" when there is nothing to divide."""
    if not whole:
        return "0.0000"
    return str((Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Filters:
    as_of: date
    year_from: int | None = None
    year_to: int | None = None
    district_id: int | None = None


def _where(user, filters: Filters) -> list:
    clauses = [scope_clause(RenovationProject, user)]
    if filters.year_from is not None:
        clauses.append(RenovationProject.year >= filters.year_from)
    if filters.year_to is not None:
        clauses.append(RenovationProject.year <= filters.year_to)
    if filters.district_id is not None:
        clauses.append(Street.district_id == filters.district_id)
    return clauses


def _projects(query, user, filters: Filters):
    return (
        query.select_from(RenovationProject)
        .join(Compound, Compound.id == RenovationProject.compound_id)
        .join(Street, Street.id == Compound.street_id)
        .where(*_where(user, filters))
    )


def _late(as_of: date):
    finished = and_(RenovationProject.acceptance_date.is_not(None), RenovationProject.acceptance_date <= as_of)
    return and_(
        RenovationProject.planned_completion.is_not(None),
        or_(
            and_(finished, RenovationProject.acceptance_date > RenovationProject.planned_completion),
            and_(~finished, RenovationProject.planned_completion < as_of),
        ),
    )


def _count(condition):
    return func.sum(case((condition, 1), else_=0))


def renovation_report(user, filters: Filters) -> dict:
    as_of, district = filters.as_of, Street.district_id
    finished = and_(RenovationProject.acceptance_date.is_not(None), RenovationProject.acceptance_date <= as_of)
    counts = {
        row[0]: row[1:]
        for row in db.session.execute(
            _projects(
                select(
                    district,
                    func.count(),
                    _count(RenovationProject.planned_completion.is_not(None)),
                    _count(and_(finished, RenovationProject.planned_completion.is_not(None))),
                    _count(_late(as_of)),
                    _count(and_(_late(as_of), ~finished)),
                ),
                user,
                filters,
            ).group_by(district)
        )
    }
    funded = _by_district_and_source(
        _projects(
            select(district, ProjectFunding.source, func.sum(ProjectFunding.amount_fen)).join(
                ProjectFunding, ProjectFunding.project_id == RenovationProject.id
            ),
            user,
            filters,
        )
    )
    paid = _by_district_and_source(
        _projects(
            select(district, Disbursement.source, func.sum(Disbursement.amount_fen))
            .join(Disbursement, Disbursement.project_id == RenovationProject.id)
            .where(Disbursement.paid_on <= as_of),
            user,
            filters,
        )
    )
    names = dict(db.session.execute(select(District.id, District.name).where(District.id.in_(counts))).all())
    districts = [
        _figures(counts[d], funded.get(d, {}), paid.get(d, {})) | {"district_id": d, "name": names[d]}
        for d in sorted(counts, key=lambda d: names[d])
    ]
    total_counts = [sum(c[i] or 0 for c in counts.values()) for i in range(5)]
    return {
        "as_of": as_of.isoformat(),
        "year_from": filters.year_from,
        "year_to": filters.year_to,
        "district_id": filters.district_id,
        **_figures(total_counts, _summed(funded), _summed(paid)),
        "by_district": districts,
    }


def _by_district_and_source(query) -> dict[int, dict[FundingSource, int]]:
    found: dict[int, dict[FundingSource, int]] = {}
    for district, source, amount in db.session.execute(query.group_by(Street.district_id, query.selected_columns[1])):
        found.setdefault(district, {})[source] = int(amount or 0)
    return found


def _summed(by_district: dict[int, dict[FundingSource, int]]) -> dict[FundingSource, int]:
    total: dict[FundingSource, int] = {}
    for sources in by_district.values():
        for source, amount in sources.items():
            total[source] = total.get(source, 0) + amount
    return total


def _figures(counts, funded: dict[FundingSource, int], paid: dict[FundingSource, int]) -> dict:
    projects, planned, completed, late, overdue = (int(n or 0) for n in counts)
    investment, spent = sum(funded.values()), sum(paid.values())
    superior = sum(funded.get(s, 0) for s in SUPERIOR)
    return {
        "projects": projects,
        "funding": {
            "total": fen_to_yuan(investment),
            "superior_share": ratio(superior, investment),
            "by_source": {
                s.value: {"amount": fen_to_yuan(funded.get(s, 0)), "share": ratio(funded.get(s, 0), investment)}
                for s in FundingSource
            },
        },
        "completion": {
            "with_planned_date": planned,
            "completed": completed,
            "late": late,
            "completed_late": late - overdue,
            "overdue_not_completed": overdue,
            "late_share": ratio(late, planned),
        },
        "payments": {
            "total_investment": fen_to_yuan(investment),
            "paid": fen_to_yuan(spent),
            "progress": ratio(spent, investment),
            "by_source": {
                s.value: {
                    "funded": fen_to_yuan(funded[s]),
                    "paid": fen_to_yuan(paid.get(s, 0)),
                    "progress": ratio(paid.get(s, 0), funded[s]),
                }
                for s in FundingSource
                if funded.get(s)
            },
        },
    }
