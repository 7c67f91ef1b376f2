"""The sweep engine: run one rule as of a date and make the alerts match what is due.

Idempotent by construction: an alert's dedup key is rule + subject + stage (unique in the
database), so a repeated or concurrent run finds the alert already there and adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from pm_app.alerts import services
from pm_app.alerts.models import Alert, SweepRun
from pm_app.alerts.rules import RULES, Finding
from pm_app.common.clock import now
from pm_app.extensions import db


@dataclass
class SweepResult:
    rule: str
    opened: int = 0
    resolved: int = 0


def dedup_key(rule: str, finding: Finding) -> str:
    return f"{rule}:{finding.subject_type}:{finding.subject_id}:{finding.stage}"


def run_rule(name: str, as_of: date, trigger: str = "cli", at: datetime | None = None) -> SweepResult:
    """Run one rule and record the run; an error is recorded on the run and raised again."""
    rule = RULES[name]
    run = SweepRun(rule=name, as_of=as_of, trigger=trigger, started_at=now())
    db.session.add(run)
    db.session.flush()
    try:
        result = _reconcile(name, rule.find(as_of, at or now()))
    except Exception as exc:
        db.session.rollback()
        _record_failure(name, as_of, trigger, run.started_at, exc)
        raise
    run.opened, run.resolved, run.finished_at = result.opened, result.resolved, now()
    db.session.flush()
    return result


def apply_rule(name: str, as_of: date, at: datetime | None = None) -> SweepResult:
    """Make one rule's alerts match now, inside the caller's transaction and without a run record:
    for a service whose own change is the rule's condition (publishing a ranking raises
    `firm_blacklisted` at once instead of at the next sweep). Errors are the caller's."""
    return _reconcile(name, RULES[name].find(as_of, at or now()))


def _record_failure(name, as_of, trigger, started_at, exc) -> None:
    # The one commit inside a service: the rule's work was rolled back, and job health must
    # still learn that the run failed, whatever the caller does next.
    db.session.add(
        SweepRun(
            rule=name,
            as_of=as_of,
            trigger=trigger,
            started_at=started_at,
            finished_at=now(),
            error=f"{type(exc).__name__}: {exc}"[:2000],
        )
    )
    db.session.commit()


def _reconcile(name: str, findings: list[Finding]) -> SweepResult:
    result = SweepResult(name)
    wanted = {dedup_key(name, f): f for f in findings}
    existing = _existing(name, wanted)
    current_stage = {(f.subject_type, f.subject_id): f.stage for f in findings}

    for key in wanted.keys() & existing.keys():
        if existing[key].state == "resolved":
            services.reopen(existing[key])
            result.opened += 1
    # In bulk; a key another sweep opened a moment ago is skipped, not opened twice.
    result.opened += len(services.open_alerts(name, {k: f for k, f in wanted.items() if k not in existing}))

    for key, alert in existing.items():
        if key in wanted or alert.state == "resolved":
            continue
        stage = current_stage.get((alert.subject_type, alert.subject_id))
        # A later stage of the same subject supersedes this one; otherwise the condition cleared.
        services.resolve(alert, "superseded" if stage is not None else "cleared")
        result.resolved += 1
    return result


KEYS_PER_LOOKUP = 5_000  # far below PostgreSQL's 65,535 parameters per statement


def _existing(name: str, wanted: dict[str, Finding]) -> dict[str, Alert]:
    """The rule's alerts that are not resolved, and those of the wanted keys that are (to reopen);
    the keys looked up in chunks, since a first sweep at province scale wants tens of thousands."""
    found = {
        a.dedup_key: a for a in db.session.scalars(select(Alert).where(Alert.rule == name, Alert.state != "resolved"))
    }
    missing = [key for key in wanted if key not in found]
    for start in range(0, len(missing), KEYS_PER_LOOKUP):
        found.update(
            (a.dedup_key, a)
            for a in db.session.scalars(
                select(Alert).where(Alert.rule == name, Alert.dedup_key.in_(missing[start : start + KEYS_PER_LOOKUP]))
            )
        )
    return found
