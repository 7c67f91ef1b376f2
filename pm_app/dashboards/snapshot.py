"""Each compound's health as of the nightly run (dashboards.models.CompoundHealth): written by
`take` (the job jobs.dashboards.snapshot_health, after the morning sweeps, and `pm-app sweep`),
read by the province's home for its worst compounds (`worst`).

The score is the one dashboards.health computes live on every other page, for the same parts;
only its day differs, and the home says which day it is."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, insert, nulls_last, select

from pm_app.auth.scope import scope_clause
from pm_app.dashboards import health
from pm_app.dashboards.models import CompoundHealth
from pm_app.extensions import db
from pm_app.org.models import Compound

# Compounds scored per round: three statements each, a few MB of Python objects at most.
CHUNK = 2_000


def take(as_of: date, at: datetime, progress: Callable[[int, int], None] | None = None) -> int:
    """Score every compound and keep the scores, replacing the last run's; the caller commits.
    Returns how many were scored."""
    ids = list(db.session.scalars(select(Compound.id).order_by(Compound.id)))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        scores = health.scores(chunk, as_of, at)
        db.session.execute(delete(CompoundHealth).where(CompoundHealth.compound_id.in_(chunk)))
        if scores:
            db.session.execute(
                insert(CompoundHealth),
                [
                    {
                        "compound_id": cid,
                        "score": h.score,
                        "households": h.households,
                        "as_of": as_of,
                        "computed_at": at,
                    }
                    for cid, h in scores.items()
                ],
            )
        if progress is not None:
            progress(min(start + CHUNK, len(ids)), len(ids))
    return len(ids)


@dataclass
class Scored:
    """A row of the home's health table (templates/dashboards/_tiles.html: health_table)."""

    id: int
    code: str
    name: str
    health: health.Health


def worst(user, n: int) -> tuple[list[Scored], datetime | None]:
    """The n worst-scored compounds the user sees, unscored last, and when they were scored
    (None when no run has kept any score yet)."""
    rows = db.session.execute(
        select(Compound.id, Compound.code, Compound.name, CompoundHealth.score, CompoundHealth.computed_at)
        .join(CompoundHealth, CompoundHealth.compound_id == Compound.id)
        .where(scope_clause(Compound, user))
        .order_by(nulls_last(CompoundHealth.score.asc()), Compound.code)
        .limit(n)
    ).all()
    scored = [Scored(cid, code, name, health.Health(cid, score=score)) for cid, code, name, score, _at in rows]
    return scored, max((at for *_row, at in rows), default=None)
