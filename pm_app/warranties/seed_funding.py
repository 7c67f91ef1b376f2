"""Seed step for renovation money (issue 26), on its own random stream so the works seeded
before it do not change: each project's planned start and completion, the deposit terms, special
bonds and original owner units among its funding, and the payments made from each source.

Shapes follow seed 003: about 38 % of the money raised as special bonds (专项债), about 65 % of
projects not completed in the time set (planned completion drawn 100 days after to 60 days before
the acceptance), and payments that lag the works — a project accepted two years ago is mostly
paid, one accepted this year about a third (the city's central money was 44.2 % paid). One project in
ten has an original owner unit (原产权单位) paying part, as seed 001's 武汉钢铁集团 did.
"""

from __future__ import annotations

from datetime import date, timedelta

from pm_app.warranties.models import DepositTerms

BONDS = (0.6, 0.82)  # of the central row, raised as special bonds instead: about 38 % of all
OWNER = 0.1  # projects with an original owner unit
LATE_DAYS = (-60, 100)  # acceptance minus planned completion, in days


def schedule(rng, accepted: date) -> dict:
    completion = accepted - timedelta(days=rng.randint(*LATE_DAYS))
    return {
        "planned_start": completion - timedelta(days=rng.randint(150, 270)),
        "planned_completion": completion,
        "deposit_terms": DepositTerms.retention,
    }


def split_funding(rng, rows: list[dict]) -> list[dict]:
    """Move part of the central row to special bonds (and, for some, to an original owner unit);
    the total stays the contract amount."""
    central = next(row for row in rows if row["source"] == "central")
    moved = []
    for source, share in (
        ("special_bonds", rng.uniform(*BONDS)),
        ("original_owner", rng.uniform(0.05, 0.2) if rng.random() < OWNER else 0),
    ):
        part = int(central["amount_fen"] * share) // 100 * 100
        if part > 0:
            central["amount_fen"] -= part
            moved.append({"project_id": central["project_id"], "source": source, "amount_fen": part})
    return rows + moved


def payments(rng, as_of: date, project: dict, rows: list[dict]) -> list[dict]:
    """An advance after the planned start and a settlement payment after acceptance, from each
    source, as far as the days have come; the share paid grows with the time since acceptance."""
    accepted, started = project["acceptance_date"], project["planned_start"]
    age = (as_of - accepted).days
    share = (
        rng.uniform(0.7, 1.0)
        if age > 730
        else rng.uniform(0.4, 0.8)
        if age > 365
        else rng.uniform(0.2, 0.5)
        if age >= 0
        else rng.uniform(0.05, 0.3)
    )
    out = []
    for row in rows:
        total = int(row["amount_fen"] * share) // 100 * 100
        advance = total * 3 // 10 // 100 * 100
        for day, amount, note in (
            (started + timedelta(days=rng.randint(20, 90)), advance, "进度款"),
            (accepted + timedelta(days=rng.randint(30, 120)), total - advance, "结算款"),
        ):
            if amount > 0 and day <= as_of:
                out.append(
                    {
                        "project_id": row["project_id"],
                        "source": row["source"],
                        "amount_fen": amount,
                        "paid_on": day,
                        "note": note,
                    }
                )
    return out
