"""Seed step for renovation works: one project per compound, accepted on the compound's acceptance
date, with its funding, quality-guarantee deposit, warranty items and a few joint inspections.

Sizes follow seed 002's reports: about 1–3 万元 of works per household, roads 7–19 m², greenery
2–4 m² and rainwater pipes about 1 m per household; a roof per building. About 50 items per
compound gives the ~60,000 items of the city scale (design §5). Deposits are 2–3 % of the
contract (3 % is the cap: deposit_rules), planned for release two (some three) years after
acceptance; most of those past their
date were released, a few partly forfeited, the rest are still held (`deposit_release_due`).

One project in the first street is modelled on 全椒县城东三角花园 (seed 002: 白改黑 roads,
greenery, rainwater pipes): accepted about five years before the seeding day, so its greenery and
pipes have lapsed and its roads and roofs end within the next months (`warranty_expiring`).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select

from pm_app.common.clock import CITY_TZ
from pm_app.extensions import db
from pm_app.org.models import Building, Compound, RenovationType
from pm_app.org.seed_run import PlannedCompound, SeedRun, insert_returning_ids, insert_rows
from pm_app.warranties import seed_funding
from pm_app.warranties.dates import add_years
from pm_app.warranties.funding_models import Disbursement
from pm_app.warranties.models import (
    DepositDecision,
    DepositState,
    Inspection,
    ProjectFunding,
    RenovationProject,
    WarrantyCategory,
    WarrantyItem,
)

# Per category: how many items a compound has, and (description, unit, low, high) per item, the
# quantity for a compound of ~175 households (scaled by size). Roofs are one item per building.
CATALOGUE = {
    "road_paving": (
        (9, 13),
        (
            ("小区道路白改黑", "m²", 500, 1800),
            ("宅间路硬化", "m²", 150, 700),
            ("人行道荷兰砖铺装", "m²", 120, 600),
            ("停车位透水砖铺装", "m²", 80, 400),
        ),
    ),
    "wall_fence": ((2, 5), (("围墙翻新", "m", 40, 240), ("铁艺围栏", "m", 30, 160))),
    "accessibility": (
        (5, 8),
        (
            ("单元入口无障碍坡道", "处", 1, 4),
            ("楼道扶手", "处", 2, 8),
            ("缘石坡道", "处", 1, 5),
            ("无障碍停车位", "处", 1, 2),
        ),
    ),
    "plumbing_electrical": (
        (10, 14),
        (
            ("雨污水管道（dn300–dn600）", "m", 60, 260),
            ("给水管网更换", "m", 50, 220),
            ("弱电管线下地", "m", 40, 180),
            ("路灯线路", "m", 30, 150),
        ),
    ),
    "greenery": ((5, 8), (("绿化补植", "m²", 60, 300), ("乔木修剪与补植", "m²", 40, 200), ("草坪恢复", "m²", 50, 250))),
}
ROOF = ("屋面防水", "m²", 250, 900)
ZONES = ("东区", "西区", "南区", "北区", "中心广场", "南门", "北门", "主干道")
LONGER = 0.15  # share of items guaranteed a year beyond the category minimum (never walls or ramps)
COST_PER_HOUSEHOLD = {
    RenovationType.basic: (6_000, 12_000),
    RenovationType.improvement: (12_000, 20_000),
    RenovationType.upgrade: (20_000, 30_000),
}  # yuan
FUNDING = (
    ("provincial", 0.05, 0.10),
    ("city", 0.10, 0.20),
    ("district", 0.05, 0.15),
    ("residents", 0.02, 0.08),
    ("utility", 0.0, 0.08),
    ("social_capital", 0.0, 0.10),
)  # central takes the rest
OVERRIDE = "改造前未能确定管理模式；经市住建局研究，管网和消防隐患整治先行实施，改造后由街道组织居民确定管理模式"
PARTICIPANTS = "街道办、物业服务企业、施工单位、监理单位、业主代表"
QUANJIAO = (
    ("小区道路白改黑（沥青罩面）", "road_paving", "m²", 11.0),
    ("新建停车位铺装", "road_paving", "m²", 1.2),
    ("绿化改造", "greenery", "m²", 3.0),
    ("新建雨水管道（dn300–dn600）", "plumbing_electrical", "m", 0.9),
)


def seed_works(run: SeedRun) -> None:
    rng = run.rng("works")
    categories = {
        code: (cid, years)
        for cid, code, years in db.session.execute(
            select(WarrantyCategory.id, WarrantyCategory.code, WarrantyCategory.min_years)
        )
    }
    contractors, supervisors = run.firms.get("contractor", []), run.firms.get("supervisor", [])
    compounds = [c for c in run.compounds if c.acceptance_date is not None]
    if not contractors or not compounds or not categories:
        run.report("works", 0, 0)
        return
    about = {
        cid: (name, kind)
        for cid, name, kind in db.session.execute(
            select(Compound.id, Compound.name, Compound.renovation_type).where(
                Compound.id.in_([c.id for c in compounds])
            )
        )
    }
    buildings: dict[int, list[str]] = {}
    for compound_id, name in db.session.execute(select(Building.compound_id, Building.name).order_by(Building.id)):
        buildings.setdefault(compound_id, []).append(name)
    model = quanjiao_compound(run, compounds)
    money = run.rng("funding")  # its own stream: the works below draw as before (seed_funding)

    projects = [_project(rng, run, c, about[c.id], contractors, supervisors, c.id == model) for c in compounds]
    for project in projects:
        project.update(seed_funding.schedule(money, project["acceptance_date"]))
    ids = insert_returning_ids(run, RenovationProject, projects)
    funding, items, decisions, inspections, paid = [], [], [], [], []
    for done, (compound, project, project_id) in enumerate(zip(compounds, projects, ids, strict=True), 1):
        sources = seed_funding.split_funding(money, _funding(rng, project_id, project["contract_amount_fen"]))
        funding += sources
        paid += seed_funding.payments(money, run.as_of, project, sources)
        decisions += _decisions(rng, project_id, project)
        size = max(0.3, compound.households / 175)
        names = buildings.get(compound.id) or ["1号楼"]
        new = (_quanjiao_items if compound.id == model else _items)(rng, categories, compound, names, size)
        items += [dict(row, project_id=project_id, compound_id=compound.id) for row in new]
        inspections += _inspections(rng, run.as_of, compound, project_id, compound.id == model)
        if done % 100 == 0 or done == len(compounds):
            run.report("works", done, len(compounds))
    insert_rows(run, ProjectFunding, funding)
    insert_rows(run, Disbursement, paid)
    insert_rows(run, DepositDecision, decisions)
    insert_rows(run, WarrantyItem, items)
    insert_rows(run, Inspection, inspections)


def quanjiao_compound(run: SeedRun, compounds: list[PlannedCompound]) -> int:
    """The first street's compound whose five-year guarantees end soonest after the seeding day
    (greenery and pipes, one and two years, long lapsed); the earliest accepted if all have ended."""
    first_street = run.streets[0].id if run.streets else None
    local = [c for c in compounds if c.street_id == first_street] or compounds
    ending = [c for c in local if add_years(c.acceptance_date, 5) > run.as_of]
    if ending:
        return min(ending, key=lambda c: (c.acceptance_date, c.id)).id
    return max(local, key=lambda c: (c.acceptance_date, -c.id)).id


def _project(rng, run: SeedRun, compound: PlannedCompound, about, contractors, supervisors, model: bool) -> dict:
    name, kind = about
    accepted = compound.acceptance_date
    low, high = COST_PER_HOUSEHOLD[kind or RenovationType.basic]
    amount = round(max(compound.households, 20) * rng.uniform(low, high), -4) * 100  # fen, whole 100 yuan
    deposit = min(round(amount * rng.uniform(0.02, 0.03), -2), amount * 3 // 100 // 100 * 100)
    release_on = add_years(accepted, 3 if rng.random() < 0.2 else 2)
    label = "（白改黑、绿化、雨水管网）" if model else ""
    return {
        "compound_id": compound.id,
        "name": f"{accepted.year}年{name}老旧小区改造工程{label}",
        "year": accepted.year,
        "renovation_type": kind,
        "contractor_id": rng.choice(contractors),
        "supervisor_id": rng.choice(supervisors) if supervisors else None,
        "contract_amount_fen": int(amount),
        "acceptance_date": accepted,
        "deposit_fen": int(deposit),
        "deposit_release_date": release_on,
        # a compound still without management (mode none) was renovated only by the regulator's
        # override of seed 004 §九(五) (org.arrangements); the reason says so
        "arrangement_override_reason": OVERRIDE if compound.mode.value == "none" else None,
        **_deposit_state(rng, run.as_of, int(deposit), release_on, model),
    }


def _deposit_state(rng, as_of: date, deposit: int, release_on: date, model: bool) -> dict:
    """Most deposits past their date were released, one in eight partly forfeited; the rest
    (and the 三角花园 model's) are still held, as the deposit rule is there to show."""
    returned = forfeited = 0
    draw = rng.random()
    if release_on < as_of - timedelta(days=20) and not model and draw < 0.85:
        if draw < 0.12:
            forfeited = round(deposit * rng.uniform(0.1, 0.3), -2)
        returned = deposit - forfeited
    state = (
        DepositState.held
        if returned + forfeited < deposit
        else (DepositState.partly_forfeited if forfeited else DepositState.released)
    )
    return {"deposit_state": state, "deposit_returned_fen": int(returned), "deposit_forfeited_fen": int(forfeited)}


def _decisions(rng, project_id: int, project: dict) -> list[dict]:
    decided_at = datetime.combine(
        project["deposit_release_date"] + timedelta(days=rng.randint(1, 15)), time(10), tzinfo=CITY_TZ
    )
    rows = []
    if project["deposit_forfeited_fen"]:
        rows.append(
            {
                "project_id": project_id,
                "kind": "forfeit",
                "amount_fen": project["deposit_forfeited_fen"],
                "reason": "质保期内渗漏未按期修复，扣除维修费用",
                "decided_at": decided_at,
            }
        )
    if project["deposit_returned_fen"]:
        rows.append(
            {
                "project_id": project_id,
                "kind": "release",
                "amount_fen": project["deposit_returned_fen"],
                "reason": "缺陷责任期满，经联合检查无遗留问题",
                "decided_at": decided_at,
            }
        )
    return rows


def _funding(rng, project_id: int, amount: int) -> list[dict]:
    rows, left = [], amount
    for source, low, high in FUNDING:
        part = int(round(amount * rng.uniform(low, high), -2))
        if part > 0:
            rows.append({"project_id": project_id, "source": source, "amount_fen": part})
            left -= part
    return [{"project_id": project_id, "source": "central", "amount_fen": left}] + rows


def _item(
    rng,
    categories,
    code: str,
    description: str,
    unit: str,
    quantity: float,
    location: str,
    accepted: date,
    longer: bool = True,
) -> dict:
    category_id, years = categories[code]
    years += 1 if longer and rng.random() < LONGER else 0
    return {
        "category_id": category_id,
        "description": description,
        "unit": unit,
        "quantity": Decimal(max(1, round(quantity))) if unit == "处" else Decimal(f"{max(quantity, 1):.2f}"),
        "location": location,
        "warranty_years": years,
        "warranty_start": accepted,
        "warranty_end": add_years(accepted, years),
    }


def _items(rng, categories, compound: PlannedCompound, buildings: list[str], size: float) -> list[dict]:
    accepted, rows = compound.acceptance_date, []
    for code, ((least, most), templates) in CATALOGUE.items():
        for n in range(rng.randint(least, most)):
            description, unit, low, high = templates[n % len(templates)]
            scale = 1 if unit == "处" else size
            rows.append(
                _item(
                    rng,
                    categories,
                    code,
                    description,
                    unit,
                    rng.uniform(low, high) * scale,
                    rng.choice(ZONES + tuple(buildings)),
                    accepted,
                    code not in ("wall_fence", "accessibility"),
                )
            )
    description, unit, low, high = ROOF
    rows += [
        _item(rng, categories, "roof_waterproofing", f"{b}{description}", unit, rng.uniform(low, high), b, accepted)
        for b in buildings
    ]
    return rows


def _quanjiao_items(rng, categories, compound: PlannedCompound, buildings: list[str], _size: float) -> list[dict]:
    homes, accepted = max(compound.households, 20), compound.acceptance_date
    rows = [
        _item(rng, categories, code, description, unit, homes * per, "全小区", accepted, longer=False)
        for description, code, unit, per in QUANJIAO
    ]
    description, unit, low, high = ROOF
    return rows + [
        _item(
            rng,
            categories,
            "roof_waterproofing",
            f"{b}屋面渗漏改造",
            unit,
            rng.uniform(low, high),
            b,
            accepted,
            longer=False,
        )
        for b in buildings
    ]


def _inspections(rng, as_of: date, compound: PlannedCompound, project_id: int, model: bool) -> list[dict]:
    """A pre-expiry joint inspection before the two-year (pipes) guarantees ended, for about one
    project in six whose pipes have lapsed, and for the 三角花园 model before its greenery ended."""
    accepted, rows = compound.acceptance_date, []
    plans = [(add_years(accepted, 2), "给排水及电气管线")] if rng.random() < 1 / 6 else []
    if model:
        plans.append((add_years(accepted, 1), "绿化"))
    for end, what in plans:
        day = end - timedelta(days=rng.randint(15, 60))
        if day < as_of:
            rows.append(
                {
                    "compound_id": compound.id,
                    "project_id": project_id,
                    "inspected_on": day,
                    "participants": PARTICIPANTS,
                    "score": rng.randint(68, 96),
                    "summary": f"质保期满前联合检查：{what}",
                }
            )
    return rows
