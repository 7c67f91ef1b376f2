"""The inbox as groups: one line per rule and compound ("五四新村：18 条 保修期即将届满"), with the
count, the most severe level and the earliest due date, expanding to its alerts.

Two statements for a page of groups (the GROUP BY, and the alerts of the groups shown) plus their
count, whatever the number of alerts; a group's count is the number of alerts it expands to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, case, func, or_, select

from pm_app.alerts import acks
from pm_app.alerts.labels import SEVERITY_RANK
from pm_app.alerts.models import Alert
from pm_app.alerts.rules import GROUP_CONTEXT
from pm_app.auth.scope import scope_clause, visible
from pm_app.common.listing import Page
from pm_app.extensions import db
from pm_app.org.models import Compound, Street

GROUPS_PER_PAGE = 25
EXPAND_MAX = 100  # rows under one group; the rest are a click away (the group's own filter)
FILTERS = ("rule", "state", "severity", "compound_id", "street_id")

_rank = case(*((Alert.severity == s, r) for s, r in SEVERITY_RANK.items()), else_=0)


@dataclass
class Group:
    rule: str
    compound_id: int | None
    compound: str | None
    count: int
    severity: str
    earliest_due: date | None
    alerts: list = field(default_factory=list)
    context: tuple[str, list[str]] | None = None  # ("工程", ["X", "Y"]): see rules.GROUP_CONTEXT

    @property
    def key(self) -> str:
        return f"{self.rule}:{self.compound_id or 0}"


def clauses(user, args: dict) -> list:
    """The scope and the filters of the inbox (also those of a group acknowledged at once, and of
    the API's list); the reader's state only when one is asked for."""
    found = [scope_clause(Alert, user)]
    if args.get("state"):
        found.append(acks.state_clause(args["state"], user))
    for name in ("rule", "severity", "compound_id"):
        if args.get(name) not in (None, ""):
            found.append(getattr(Alert, name) == args[name])
    if args.get("street_id"):
        found.append(Alert.compound_id.in_(select(Compound.id).where(Compound.street_id == args["street_id"])))
    return found


def group_page(user, args: dict, number: int) -> Page:
    where = clauses(user, args)
    grouped = (
        select(
            Alert.rule, Alert.compound_id, Compound.name, func.count(Alert.id), func.max(_rank), func.min(Alert.due_on)
        )
        .outerjoin(Compound, Compound.id == Alert.compound_id)
        .where(*where)
        .group_by(Alert.rule, Alert.compound_id, Compound.name)
    )
    total = db.session.scalar(select(func.count()).select_from(grouped.subquery())) or 0
    rows = db.session.execute(
        grouped.order_by(
            func.max(_rank).desc(), func.min(Alert.due_on).is_(None), func.min(Alert.due_on), Alert.rule, Compound.name
        )
        .limit(GROUPS_PER_PAGE)
        .offset((number - 1) * GROUPS_PER_PAGE)
    ).all()
    by_rank = {r: s for s, r in SEVERITY_RANK.items()}
    groups = [
        Group(rule, compound_id, name, count, by_rank.get(rank, "info"), due)
        for rule, compound_id, name, count, rank, due in rows
    ]
    _expand(groups, where)
    return Page(items=groups, number=number, per_page=GROUPS_PER_PAGE, total=total)


def _expand(groups: list[Group], where: list) -> None:
    if not groups:
        return
    which = or_(
        *(
            and_(
                Alert.rule == g.rule,
                Alert.compound_id == g.compound_id if g.compound_id is not None else Alert.compound_id.is_(None),
            )
            for g in groups
        )
    )
    rows = db.session.scalars(
        select(Alert).where(*where, which).order_by(_rank.desc(), Alert.due_on.is_(None), Alert.due_on, Alert.id)
    )
    index = {(g.rule, g.compound_id): g for g in groups}
    for alert in rows:
        group = index[(alert.rule, alert.compound_id)]
        if len(group.alerts) < EXPAND_MAX:
            group.alerts.append(alert)
    add_context(groups, lambda g: g.alerts)


def add_context(groups, alerts_of) -> None:
    """Name what each group is also about (a warranty group's projects): one query per registered
    subject type, whatever the number of groups."""
    by_type: dict[str, set[int]] = {}
    for group in groups:
        for alert in alerts_of(group):
            if alert.subject_type in GROUP_CONTEXT:
                by_type.setdefault(alert.subject_type, set()).add(alert.subject_id)
    # Every registered type is asked, even with no ids on this page: a page runs the same
    # statements whichever groups it shows (tests/perf counts them).
    names = {kind: fn(sorted(by_type.get(kind, ()))) for kind, (_label, fn) in GROUP_CONTEXT.items()}
    for group in groups:
        found = {}
        for alert in alerts_of(group):
            name = names.get(alert.subject_type, {}).get(alert.subject_id)
            if name:
                found.setdefault(alert.subject_type, {})[name] = None
        if len(found) == 1:
            kind, projects = next(iter(found.items()))
            group.context = (str(GROUP_CONTEXT[kind][0]), list(projects))


def group_query(user, args: dict, rule: str, compound_id: int | None):
    """The scoped query of one group under the page's filters: what "acknowledge this group" covers."""
    query = visible(Alert, user).where(*clauses(user, args), Alert.rule == rule)
    return query.where(Alert.compound_id == compound_id if compound_id else Alert.compound_id.is_(None))


def filter_choices(user, args: dict) -> dict:
    """Streets and compounds to filter by: only those the user has alerts in."""
    scoped = scope_clause(Alert, user)
    streets = db.session.execute(
        select(Street.id, Street.name)
        .where(Street.id.in_(select(Compound.street_id).join(Alert, Alert.compound_id == Compound.id).where(scoped)))
        .order_by(Street.name)
    ).all()
    compounds = select(Compound.id, Compound.name).where(Compound.id.in_(select(Alert.compound_id).where(scoped)))
    if args.get("street_id"):
        compounds = compounds.where(Compound.street_id == args["street_id"])
    return {"streets": streets, "compounds": db.session.execute(compounds.order_by(Compound.name)).all()}
