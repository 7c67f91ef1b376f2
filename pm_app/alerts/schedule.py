"""The schedule, as data, in the city's time (Asia/Shanghai). RQ's cron runs in UTC, so
`to_utc_crons` converts; China has kept UTC+8 without daylight saving since 1991.

It lives beside the alert rules because the rules read it: catch-up (catchup.py), staleness
(stale.py) and job health (health.py). Each entry names its job by dotted path in the worker
package `jobs/` (the string RQ stores), so the app never imports `jobs`; `pm-app cron` hands the
entries to RQ's cron and `pm-app demo` without Redis runs them on a thread (local_cron.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

CITY_UTC_OFFSET_HOURS = 8


@dataclass(frozen=True)
class Entry:
    name: str
    job: str  # dotted path of a job in jobs/ (what RQ stores: never rename one)
    cron: str  # minute hour day-of-month month day-of-week, Asia/Shanghai
    kwargs: dict = field(default_factory=dict)


SCHEDULE: tuple[Entry, ...] = (
    Entry("relay_outbox", "jobs.alerts.relay_outbox", "* * * * *"),
    Entry("sweep_contract_expiring", "jobs.alerts.sweep", "30 6 * * *", {"rule": "contract_expiring"}),
    Entry("sweep_compound_unmanaged", "jobs.alerts.sweep", "35 6 * * *", {"rule": "compound_unmanaged"}),
    Entry("sweep_firm_withdrawn", "jobs.alerts.sweep", "37 6 * * *", {"rule": "firm_withdrawn"}),
    Entry("sweep_fee_collection_low", "jobs.alerts.sweep", "40 6 * * *", {"rule": "fee_collection_low"}),
    Entry("sweep_fee_collection_drop", "jobs.alerts.sweep", "45 6 * * *", {"rule": "fee_collection_drop"}),
    Entry("sweep_warranty_expiring", "jobs.alerts.sweep", "50 6 * * *", {"rule": "warranty_expiring"}),
    Entry("sweep_deposit_release_due", "jobs.alerts.sweep", "55 6 * * *", {"rule": "deposit_release_due"}),
    Entry("sweep_committee_term_ending", "jobs.alerts.sweep", "0 7 * * *", {"rule": "committee_term_ending"}),
    Entry("sweep_committee_missing", "jobs.alerts.sweep", "5 7 * * *", {"rule": "committee_missing"}),
    Entry("sweep_maintenance_fund_low", "jobs.alerts.sweep", "10 7 * * *", {"rule": "maintenance_fund_low"}),
    Entry("sweep_maintenance_fund_missing", "jobs.alerts.sweep", "12 7 * * *", {"rule": "maintenance_fund_missing"}),
    # Every 15 minutes: an emergency must be answered within the hour.
    Entry("sweep_ticket_overdue", "jobs.alerts.sweep", "*/15 * * * *", {"rule": "ticket_overdue"}),
    # Publishing raises it at once; the daily sweep only catches up (and clears corrected ones).
    Entry("sweep_firm_blacklisted", "jobs.alerts.sweep", "15 7 * * *", {"rule": "firm_blacklisted"}),
    Entry("sweep_stale", "jobs.alerts.sweep", "15 * * * *", {"rule": "sweep_stale"}),
    # Daily-digest endpoints (pm_app/alerts/digest.py): at 08:00, after the morning sweeps, before
    # the offices open; the held alerts are sent as one message, so a missed day catches up.
    Entry("send_digests", "jobs.alerts.send_digests", "0 8 * * *"),
    # Fee income of each closed month into the books (pm_app/committees/fee_books.py). Daily, so the
    # 1st's run posts the month just closed and a missed day is made up the next; it posts only
    # what the books lack, so a repeated run adds nothing.
    Entry("post_fee_income", "jobs.books.post_fee_income", "20 7 * * *"),
    # Every compound's health, for the province's home (pm_app/dashboards/snapshot.py): after the
    # morning sweeps, whose alerts are one of its parts, before the offices open.
    Entry("snapshot_health", "jobs.dashboards.snapshot_health", "25 7 * * *"),
    # A sweep killed with its worker, or never enqueued while Redis was down, runs again
    # (pm_app/alerts/catchup.py); off the quarter hours so it does not race the sweeps it checks.
    Entry("catch_up_sweeps", "jobs.alerts.catch_up_sweeps", "3-59/10 * * * *"),
    # Retention (jobs/retention.py): at night, when the trail is not being read.
    Entry("purge_retention", "jobs.retention.purge", "30 3 * * *"),
)


def scheduled_rules() -> list[str]:
    return [e.kwargs["rule"] for e in SCHEDULE if e.job == "jobs.alerts.sweep"]


def to_utc_crons(expression: str, offset_hours: int = CITY_UTC_OFFSET_HOURS) -> list[str]:
    """A local cron expression as one or two UTC ones (two when some hours cross midnight).

    Supported hour fields: `*`, `*/n` with n dividing 24 and the offset, or a list of hours.
    A day-of-week is shifted with hours that cross midnight; a day-of-month with them is refused
    (it cannot always be expressed: the day before the 1st).
    """
    minute, hour, dom, month, dow = expression.split()
    if hour == "*" or (hour.startswith("*/") and 24 % int(hour[2:]) == 0 and offset_hours % int(hour[2:]) == 0):
        return [expression]
    hours = [int(h) for h in hour.split(",")]
    same_day = sorted(h - offset_hours for h in hours if h >= offset_hours)
    day_before = sorted(h - offset_hours + 24 for h in hours if h < offset_hours)
    result = []
    if same_day:
        result.append(f"{minute} {','.join(map(str, same_day))} {dom} {month} {dow}")
    if day_before:
        if dom != "*":
            raise ValueError(f"cannot shift day-of-month {dom!r} across midnight; pick a local hour ≥ {offset_hours}")
        result.append(f"{minute} {','.join(map(str, day_before))} {dom} {month} {_previous_days(dow)}")
    return result


def _previous_days(dow: str) -> str:
    if dow == "*":
        return dow
    days = []
    for part in dow.split(","):
        if "-" in part:
            start, end = (int(x) for x in part.split("-"))
            days.extend(range(start, end + 1))
        else:
            days.append(int(part))
    return ",".join(str(d) for d in sorted({(d - 1) % 7 for d in days}))
