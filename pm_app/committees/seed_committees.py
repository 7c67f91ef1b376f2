"""Seed step for committees and books. Seed 003's city had an owners' committee in 10.3 % of its
renovated compounds and a self-management committee in 34.1 %: each compound draws one of
those (or none) with those odds, an election date after its acceptance and a term of 3 or 5
years, so the city shows every status (some terms have lapsed, some are due for re-election).
The compound of the demo committee account (the first by code with a current contract) always
has an owners' committee in office.

Compounds with a committee and a current contract get twelve months of books from their firm:
public revenue (parking, advertising) and operating expense each month, an initial
maintenance-fund deposit of 30–50 yuan per m², and in about one in five a draw on a passing
owners' vote (some large enough to trip `maintenance_fund_low`). Entries are hash-chained exactly
as `ledger.append` does, then bulk-inserted. Fee income is not made up: the fee-income sweep
(fee_books.py) then posts every compound's fees received in each closed month, as it does in
production, so every statement agrees with the fee pages.

Party organisation records: seed 001 reports "基本实现老旧小区党组织全覆盖" (PARTY_SHARE of the
compounds have one), and "“红色物业”托管" — the compounds entrusted to their street office are
served as 红色物业. Drawn from a stream of their own, so the committees and books are as before.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import func, select

from pm_app.committees import fee_books, ledger
from pm_app.committees.models import (
    Account,
    Committee,
    CommitteeKind,
    CommitteeMember,
    Direction,
    FundVote,
    LedgerEntry,
    LedgerHead,
    MemberRole,
    PartyRecord,
)
from pm_app.committees.services import SMALL_COMPOUND_HOUSEHOLDS
from pm_app.extensions import db
from pm_app.fees.services import first_day, period_of, shift
from pm_app.org.models import Compound, Household, ManagementMode, ServiceContract
from pm_app.org.seed_names import GIVEN, SURNAMES
from pm_app.org.seed_run import PlannedCompound, SeedRun, insert_returning_ids, insert_rows
from pm_app.warranties.dates import add_years

OWNERS_SHARE, SELF_SHARE = 0.103, 0.341
PARTY_SHARE = 0.9
BOOK_MONTHS = 12


def seed_committees(run: SeedRun) -> None:
    rng = run.rng("committees")
    demo = _demo_compound(run.as_of)
    chosen = []
    for compound in run.compounds:
        draw = rng.random()
        if compound.id == demo or draw < OWNERS_SHARE:
            chosen.append((compound, CommitteeKind.owners_committee))
        elif draw < OWNERS_SHARE + SELF_SHARE:
            chosen.append((compound, CommitteeKind.self_management))
    committees = [_committee(rng, compound, kind, run.as_of, compound.id == demo) for compound, kind in chosen]
    ids = insert_returning_ids(run, Committee, committees)
    members = [
        row for committee_id, (compound, _kind) in zip(ids, chosen) for row in _members(rng, committee_id, compound)
    ]
    insert_rows(run, CommitteeMember, members)
    _seed_books(run, rng, [compound for compound, _kind in chosen])
    _seed_party(run)
    run.report("committees", len(ids), len(ids))


def _seed_party(run: SeedRun) -> None:
    rng = run.rng("party")
    insert_rows(
        run,
        PartyRecord,
        [
            {
                "compound_id": c.id,
                "party_organisation": rng.random() < PARTY_SHARE,
                "red_property": c.mode == ManagementMode.street_entrusted,
            }
            for c in run.compounds
        ],
    )


def _demo_compound(day: date) -> int | None:
    return db.session.scalar(
        select(Compound.id)
        .join(ServiceContract, ServiceContract.compound_id == Compound.id)
        # a firm's: the street office's and 自管会 arrangements came with issue 26 (org.demo._committee agrees)
        .where(ServiceContract.start_date <= day, ServiceContract.end_date >= day, ServiceContract.firm_id.is_not(None))
        .order_by(Compound.code)
        .limit(1)
    )


def _committee(
    rng: random.Random, compound: PlannedCompound, kind: CommitteeKind, as_of: date, in_office: bool
) -> dict:
    years = rng.choice((3, 5))
    earliest = compound.acceptance_date + timedelta(days=60)
    span = max((as_of - earliest).days, 1)
    elected = earliest + timedelta(days=rng.randrange(span))
    if in_office:  # recent enough to be in office, with its filing done
        elected = as_of - timedelta(days=rng.randint(200, 500))
    filed = elected + timedelta(days=rng.randint(5, 45)) if rng.random() < 0.85 or in_office else None
    return {
        "compound_id": compound.id,
        "kind": kind,
        "elected_on": elected,
        "term_years": years,
        "term_end": add_years(elected, years),
        "filed_on": filed if filed is None or filed <= as_of else None,
    }


def _members(rng: random.Random, committee_id: int, compound: PlannedCompound) -> list[dict]:
    count = 3 if compound.households < SMALL_COMPOUND_HOUSEHOLDS else rng.choice((5, 5, 7, 7, 9))
    roles = [MemberRole.chair, MemberRole.vice_chair] + [MemberRole.member] * (count - 2)
    return [
        {
            "committee_id": committee_id,
            "name": rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
            "role": role,
            "phone": f"13{rng.randint(0, 9)}{rng.randint(0, 99_999_999):08d}",
        }
        for role in roles
    ]


def _seed_books(run: SeedRun, rng: random.Random, compounds: list[PlannedCompound]) -> None:
    day = run.as_of
    firms = {
        compound_id: firm_id
        for compound_id, firm_id in db.session.execute(
            select(ServiceContract.compound_id, func.min(ServiceContract.firm_id))
            .where(ServiceContract.start_date <= day, ServiceContract.end_date >= day)
            .group_by(ServiceContract.compound_id)
        )
    }
    served = [c for c in compounds if c.id in firms]
    areas = {
        compound_id: area
        for compound_id, area in db.session.execute(
            select(Household.compound_id, func.sum(Household.floor_area_dm2))
            .where(Household.compound_id.in_([c.id for c in served]))
            .group_by(Household.compound_id)
        )
    }
    entries, heads = [], []
    for compound in served:
        area_dm2 = int(areas.get(compound.id) or 0)
        if not area_dm2:
            continue
        chain = _books(run, rng, compound, area_dm2)
        entries.extend(chain)
        heads.append({"compound_id": compound.id, "seq": chain[-1]["seq"], "hash": chain[-1]["hash"]})
    insert_rows(run, LedgerEntry, entries)
    insert_rows(run, LedgerHead, heads)
    fee_books.post_fee_income(day, [c.id for c in run.compounds])  # this city's: a province seeds ten


def _books(run: SeedRun, rng: random.Random, compound: PlannedCompound, area_dm2: int) -> list[dict]:
    first = shift(period_of(run.as_of), -BOOK_MONTHS)
    deposit = area_dm2 * rng.randint(30, 50)  # yuan per m² → fen per dm²
    rows = [
        (
            Account.maintenance_fund,
            Direction.in_,
            deposit,
            first_day(first) + timedelta(days=4),
            "专项维修资金首次缴存",
            None,
        )
    ]
    monthly_fee = area_dm2 * rng.randint(60, 150) // 100  # 0.60–1.50 yuan per m²
    for offset in range(BOOK_MONTHS):
        start = first_day(shift(first, offset))
        rng.randint(55, 95)  # the draw of the fee income once made up here: the later draws stay as they were
        rows.append(
            (
                Account.public_revenue,
                Direction.in_,
                rng.randint(80_000, 600_000),
                start + timedelta(days=14),
                rng.choice(("停车费", "广告位租金", "场地租金")),
                None,
            )
        )
        rows.append(
            (
                Account.operating_expense,
                Direction.out,
                monthly_fee * rng.randint(60, 90) // 100,
                start + timedelta(days=24),
                rng.choice(("保洁服务费", "秩序维护人员工资", "公共水电费", "绿化养护")),
                None,
            )
        )
    if rng.random() < 0.2:
        draw = deposit * rng.randint(25, 80) // 100
        vote = _vote(run, rng, compound, area_dm2, draw, first_day(shift(first, 6)))
        rows.append(
            (
                Account.maintenance_fund,
                Direction.out,
                draw,
                first_day(shift(first, 6)) + timedelta(days=20),
                "屋面防水及外墙维修（业主表决通过）",
                vote,
            )
        )
    rows.sort(key=lambda row: row[3])
    return _chain(compound.id, [row for row in rows if row[3] <= run.as_of])


def _vote(run: SeedRun, rng: random.Random, compound: PlannedCompound, area_dm2: int, amount: int, day: date) -> int:
    households = max(compound.households, 1)
    part_heads = -(-households * rng.randint(70, 90) // 100)
    part_area = area_dm2 * rng.randint(70, 90) // 100
    row = {
        "compound_id": compound.id,
        "purpose": "屋面防水及外墙维修",
        "amount_fen": amount,
        "voted_on": day,
        "total_area_dm2": area_dm2,
        "total_households": households,
        "participating_area_dm2": part_area,
        "participating_households": min(part_heads, households),
        "approving_area_dm2": part_area * rng.randint(60, 85) // 100,
        "approving_households": min(part_heads, households) * rng.randint(60, 85) // 100 + 1,
    }
    return insert_returning_ids(run, FundVote, [row])[0]


def _chain(compound_id: int, rows: list[tuple]) -> list[dict]:
    chained, prev = [], ledger.GENESIS
    for seq, (account, direction, amount, day, description, vote_id) in enumerate(rows, start=1):
        entry = LedgerEntry(
            compound_id=compound_id,
            seq=seq,
            account=account,
            direction=direction,
            amount_fen=amount,
            entry_date=day,
            description=description,
            fund_vote_id=vote_id,
            prev_hash=prev,
        )
        entry.hash = ledger.entry_hash(entry, None)
        chained.append(
            {
                "compound_id": compound_id,
                "seq": seq,
                "account": account,
                "direction": direction,
                "amount_fen": amount,
                "entry_date": day,
                "description": description,
                "fund_vote_id": vote_id,
                "prev_hash": prev,
                "hash": entry.hash,
            }
        )
        prev = entry.hash
    return chained
