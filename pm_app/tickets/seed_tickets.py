"""Seed step for maintenance tickets: a year of them before the seeding day, with their events.

About one ticket per four households a year (~49,000 at city scale). Sources and categories
follow seed 003: 12345 complaints are a small share (116 a quarter over 1,130 compounds is ~5 %
of tickets at this rate), construction and quality defects (water, roofs, roads, walls) are the
largest group. One ticket in five concerns a warranty item of the compound: inside its guarantee
it went to the contractor as a warranty claim, outside to the property firm.

Each property firm has a steady "diligence" (0.55–0.98): the share of its tickets answered and
resolved in time and the ratings it gets follow it, so the rankings have something to rank. Old
tickets are mostly closed and rated; the last weeks hold the open ones, some of them overdue.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import bindparam, select, update

from pm_app.common.clock import CITY_TZ
from pm_app.extensions import db
from pm_app.org.models import ServiceContract
from pm_app.org.seed_run import SeedRun, insert_returning_ids, insert_rows
from pm_app.tickets.codes import TRACKING_ALPHABET
from pm_app.tickets.models import BY_REPORTER, Priority, ResponsibleParty, Ticket, TicketEvent, TicketSource
from pm_app.tickets.models import TicketStatus as S
from pm_app.tickets.sla import DEFAULT_HOURS, HOTLINE_RESPOND_HOURS
from pm_app.warranties.models import ClaimState, RenovationProject, WarrantyCategory, WarrantyClaim, WarrantyItem

PER_HOUSEHOLD_YEAR = 0.25
DAYS = 365
SOURCES = (
    (TicketSource.phone, 35),
    (TicketSource.public_link, 25),
    (TicketSource.committee, 10),
    (TicketSource.street, 10),
    (TicketSource.firm, 10),
    (TicketSource.hotline_12345, 5),
    (TicketSource.inspection, 5),
)
PRIORITIES = ((Priority.emergency, 3), (Priority.high, 17), (Priority.normal, 65), (Priority.low, 15))
# category → (weight, what residents write)
CATEGORIES = {
    "water_leak": (16, ("楼道顶部渗水", "屋顶漏水进屋", "水管接口滴漏", "外墙渗水到室内")),
    "drainage": (12, ("雨水井堵塞积水", "化粪池外溢", "下水道返臭")),
    "roads": (12, ("路面坑洼积水", "人行道地砖松动", "停车位地面开裂")),
    "walls": (8, ("外墙皮脱落", "围墙开裂", "楼道墙面发霉")),
    "roof": (6, ("屋面防水层起鼓", "顶楼天花板渗漏")),
    "lighting": (12, ("楼道灯不亮", "路灯损坏", "单元门口灯常亮")),
    "sanitation": (10, ("垃圾未及时清运", "楼道堆放杂物", "绿化带垃圾")),
    "security": (6, ("单元门禁损坏", "大门道闸故障", "监控不工作")),
    "greenery": (5, ("树枝遮挡窗户", "草坪枯死未补植")),
    "accessibility": (4, ("无障碍坡道破损", "楼道扶手松动")),
    "fire_safety": (3, ("消防通道被占", "灭火器过期")),
    "other": (6, ("邻里噪音", "公共设施损坏")),
}
# ticket category → warranty categories it may concern
WARRANTY_OF = {
    "water_leak": ("plumbing_electrical", "roof_waterproofing"),
    "drainage": ("plumbing_electrical",),
    "roads": ("road_paving",),
    "walls": ("wall_fence",),
    "roof": ("roof_waterproofing",),
    "greenery": ("greenery",),
    "accessibility": ("accessibility",),
}
WARRANTY_SHARE = 0.2
STAFF = "物业客服"


def seed_tickets(run: SeedRun) -> None:
    rng = run.rng("tickets")
    compounds = run.compounds
    if not compounds:
        run.report("tickets", 0, 0)
        return
    contracts = _contracts()
    items = _warranty_items()
    # Keyed by the firm's place in the seeding order, not its id: the same city on every database.
    diligence = {
        firm_id: random.Random(f"diligence:{n}").uniform(0.55, 0.98)
        for n, firm_id in enumerate(run.firms.get("property", []))
    }
    tickets, stories = [], []
    for done, compound in enumerate(compounds, 1):
        count = _count(rng, compound.households)
        for _ in range(count):
            ticket, story = _ticket(
                rng, run.as_of, compound, contracts.get(compound.id, []), items.get(compound.id, []), diligence
            )
            tickets.append(ticket)
            stories.append(story)
        if done % 100 == 0 or done == len(compounds):
            run.report("tickets", done, len(compounds))
    ids = insert_returning_ids(run, Ticket, tickets)
    events, claims, claimed = [], [], []
    for ticket_id, ticket, (steps, item) in zip(ids, tickets, stories, strict=True):
        frm = None
        for to, at, note in steps:
            events.append(
                {
                    "ticket_id": ticket_id,
                    "actor_id": None,
                    "actor_label": _actor(to),
                    "from_status": frm,
                    "to_status": to.value,
                    "note": note,
                    "at": at,
                }
            )
            frm = to.value
        if item is not None:
            # As the workflow does: the claim is settled when the contractor resolves the ticket.
            closed = ticket["status"] in (S.resolved, S.closed, S.rejected)
            claims.append(
                {
                    "warranty_item_id": item[0],
                    "project_id": item[4],
                    "ticket_id": ticket_id,
                    "description": ticket["description"],
                    "opened_at": ticket["created_at"],
                    "state": ClaimState.closed if closed else ClaimState.open,
                    "closed_at": (ticket["resolved_at"] or ticket["closed_at"]) if closed else None,
                    "closing_note": "工单已办结" if closed else None,
                }
            )
            claimed.append(ticket_id)
    insert_rows(run, TicketEvent, events)
    claim_ids = insert_returning_ids(run, WarrantyClaim, claims)
    if claimed:
        db.session.connection().execute(
            update(Ticket.__table__).where(Ticket.__table__.c.id == bindparam("tid")),
            [{"tid": t, "claim_id": c} for t, c in zip(claimed, claim_ids, strict=True)],
        )


def _count(rng, households: int) -> int:
    expected = households * PER_HOUSEHOLD_YEAR
    return max(0, round(rng.gauss(expected, expected**0.5)))


def _contracts() -> dict[int, list[tuple[date, date, int]]]:
    found: dict[int, list[tuple[date, date, int]]] = {}
    for compound_id, start, end, firm_id in db.session.execute(
        select(
            ServiceContract.compound_id, ServiceContract.start_date, ServiceContract.end_date, ServiceContract.firm_id
        ).order_by(ServiceContract.start_date, ServiceContract.id)
    ):
        found.setdefault(compound_id, []).append((start, end, firm_id))
    return found


def _warranty_items() -> dict[int, list[tuple]]:
    found: dict[int, list[tuple]] = {}
    for row in db.session.execute(
        select(
            WarrantyItem.id,
            WarrantyCategory.code,
            WarrantyItem.warranty_start,
            WarrantyItem.warranty_end,
            WarrantyItem.project_id,
            RenovationProject.contractor_id,
            WarrantyItem.compound_id,
        )
        .join(WarrantyCategory, WarrantyCategory.id == WarrantyItem.category_id)
        .join(RenovationProject, RenovationProject.id == WarrantyItem.project_id)
        .order_by(WarrantyItem.id)
    ):
        found.setdefault(row[6], []).append(tuple(row[:6]))
    return found


def _firm_on(contracts, day: date) -> int | None:
    return next((firm for start, end, firm in contracts if start <= day <= end), None)


def _pick(rng, weighted):
    return rng.choices([value for value, _ in weighted], [weight for _, weight in weighted])[0]


def _ticket(rng, as_of: date, compound, contracts, items, diligence) -> tuple[dict, tuple]:
    age_days = rng.randint(1, DAYS)  # up to yesterday: the seeding day starts at CUTOFF_HOUR
    created = datetime.combine(
        as_of - timedelta(days=age_days), time(rng.randint(7, 21), rng.randint(0, 59)), tzinfo=CITY_TZ
    )
    category = _pick(rng, [(code, weight) for code, (weight, _) in CATEGORIES.items()])
    source, priority = _pick(rng, SOURCES), _pick(rng, PRIORITIES)
    respond_hours, resolve_hours = DEFAULT_HOURS[priority.value]
    if source == TicketSource.hotline_12345:
        respond_hours = min(respond_hours, HOTLINE_RESPOND_HOURS)
    item = _item_for(rng, category, items, created.date())
    in_warranty = item is not None and item[2] <= created.date() < item[3]
    party = ResponsibleParty.contractor_warranty if in_warranty else ResponsibleParty.property_firm
    firm = item[5] if in_warranty else _firm_on(contracts, created.date())
    care = diligence.get(firm, 0.8) if not in_warranty else 0.7
    steps, fields = _story(rng, as_of, created, respond_hours, resolve_hours, care)
    ticket = {
        "tracking_code": "".join(rng.choice(TRACKING_ALPHABET) for _ in range(10)),
        "compound_id": compound.id,
        "warranty_item_id": item[0] if item else None,
        "category": category,
        "source": source,
        "priority": priority,
        "description": rng.choice(CATEGORIES[category][1]),
        "location": None,
        "reporter_name": None,
        "reporter_phone": None,
        "responsible_party": party,
        "assignee_firm_id": firm,
        "respond_by": created + timedelta(hours=respond_hours),
        "resolve_by": created + timedelta(hours=resolve_hours),
        "created_at": created,
        "reported_at": created,
        "created_by_id": None,
        "routing_note": None,
        "claim_id": None,
        **fields,
    }
    return ticket, (steps, item if in_warranty else None)


def _item_for(rng, category: str, items, day: date):
    kinds = WARRANTY_OF.get(category)
    if not kinds or rng.random() >= WARRANTY_SHARE:
        return None
    matching = [item for item in items if item[1] in kinds and item[2] <= day]
    return rng.choice(matching) if matching else None


def _story(rng, as_of: date, created: datetime, respond_hours: int, resolve_hours: int, care: float):
    """The steps the ticket took up to the seeding day, and the fields they leave behind."""
    cutoff = datetime.combine(as_of, time(8), tzinfo=CITY_TZ)
    answered = created + timedelta(
        hours=respond_hours * (rng.uniform(0.1, 0.9) if rng.random() < care else rng.uniform(1.1, 3))
    )
    resolved = created + timedelta(
        hours=resolve_hours * (rng.uniform(0.2, 0.95) if rng.random() < care else rng.uniform(1.05, 2.5))
    )
    # assigned → in progress: within hours when the firm is on it, days when it is not
    started = answered + timedelta(hours=rng.uniform(0.5, 12) if rng.random() < care else rng.uniform(12, 96))
    resolved = max(resolved, started + timedelta(hours=1))
    confirmed = resolved + timedelta(hours=rng.uniform(4, 96))
    steps = [(S.new, created, None)]
    fields = {
        "status": S.new,
        "responded_at": None,
        "resolved_at": None,
        "closed_at": None,
        "cost_fen": None,
        "satisfaction": None,
        "satisfaction_comment": None,
        "satisfaction_by": None,
    }
    if rng.random() < 0.03:  # a duplicate or not the compound's business
        if answered < cutoff:
            steps.append((S.rejected, answered, "重复报修，已合并处理"))
            fields.update(status=S.rejected, responded_at=answered, closed_at=answered)
        return steps, fields
    for to, at in ((S.assigned, answered), (S.in_progress, started)):
        if at >= cutoff:
            return steps, fields
        steps.append((to, at, None))
        fields.update(status=to, responded_at=answered)
    if resolved >= cutoff or rng.random() < 0.02:  # 2 %: stuck, long overdue
        return steps, fields
    steps.append((S.resolved, resolved, None))
    fields.update(status=S.resolved, resolved_at=resolved, cost_fen=rng.randint(0, 120) * 1000)
    if confirmed >= cutoff or rng.random() < 0.06:  # nobody confirmed it (yet)
        return steps, fields
    on_time = resolved <= created + timedelta(hours=resolve_hours)
    rating = max(1, min(5, round(rng.gauss(4.4 if on_time else 3.0, 0.8) + (care - 0.8) * 3)))
    steps.append((S.closed, confirmed, None))
    # The reporter confirms (see _actor), as the migration reads every rating given without a sign-in.
    fields.update(
        status=S.closed,
        closed_at=confirmed,
        satisfaction=rating,
        satisfaction_by=BY_REPORTER,
        satisfaction_comment=rng.choice((None, None, "处理及时", "师傅态度好", "拖了很久", "还可以")),
    )
    return steps, fields


def _actor(to: S) -> str:
    return "reporter" if to in (S.new, S.closed) else STAFF
