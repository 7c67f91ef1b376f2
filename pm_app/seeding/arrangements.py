"""Seed step for the management arrangements of self-managed compounds (issue 26): a 自管 compound
is managed by its self-management committee (自管会), which the fee arrangement names
(`committee_id`, org.arrangements). Runs after the committees: a self-managed compound that drew
a 自管会 gets its arrangement from the month after the election; one that drew no committee at
all gets a 自管会 in office first. One that drew an owners' committee (业委会) keeps it and no
arrangement, so the demo shows a mode its contracts contradict, as real registers do.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from pm_app.committees import seed_committees
from pm_app.committees.models import Committee, CommitteeKind, CommitteeMember
from pm_app.extensions import db
from pm_app.org.models import ManagementMode, ServiceContract
from pm_app.org.seed_contracts import _month_start
from pm_app.org.seed_run import SeedRun, insert_returning_ids, insert_rows

RATE = (30, 50)  # fen per m² a month: owners charging themselves little, as 准物业 caretakers do
TERM_YEARS = 3


def seed_arrangements(run: SeedRun) -> None:
    rng = run.rng("arrangements")
    compounds = [c for c in run.compounds if c.mode == ManagementMode.self_managed]
    committees = {
        compound_id: (kind, committee_id, elected)
        for compound_id, kind, committee_id, elected in db.session.execute(
            select(Committee.compound_id, Committee.kind, Committee.id, Committee.elected_on)
            .where(Committee.compound_id.in_([c.id for c in compounds]))
            .order_by(Committee.elected_on)
        )
    }
    missing = [c for c in compounds if c.id not in committees]
    made = [seed_committees._committee(rng, c, CommitteeKind.self_management, run.as_of, True) for c in missing]
    ids = insert_returning_ids(run, Committee, made)
    insert_rows(
        run,
        CommitteeMember,
        [
            row
            for committee_id, compound in zip(ids, missing, strict=True)
            for row in seed_committees._members(rng, committee_id, compound)
        ],
    )
    for committee_id, compound, row in zip(ids, missing, made, strict=True):
        committees[compound.id] = (CommitteeKind.self_management, committee_id, row["elected_on"])
    contracts = []
    for compound in compounds:
        kind, committee_id, elected = committees[compound.id]
        if kind != CommitteeKind.self_management:
            continue
        start = _month_start(max(elected, compound.acceptance_date), 1)
        end = start
        while end < run.as_of:  # terms of three years until one runs past the run's day
            end = _month_start(end, 12 * TERM_YEARS) - timedelta(days=1)
        contracts.append(
            {
                "compound_id": compound.id,
                "firm_id": None,
                "committee_id": committee_id,
                "street_id": None,
                "start_date": start,
                "end_date": end,
                "fee_rate_fen": rng.randint(*RATE),
                "billing_cycle": "monthly",
            }
        )
    insert_rows(run, ServiceContract, contracts)
    run.report("arrangements", len(contracts), len(contracts))
