"""The API part of bench/batch.py: accounts of four roles with bearer tokens (bound like the demo
accounts: the first street, the busiest firm, the first contracted compound's committee), the mix of
reads each role makes most, and the run under gunicorn against /healthz.

The accounts are committed (the gunicorn workers must see them) and deleted at the end.
"""

from __future__ import annotations

import http.client
import time

from sqlalchemy import delete, func, select
from throughput import Gunicorn, Target, run_load

from pm_app.auth.models import ApiToken, User
from pm_app.auth.services import create_user, issue_token
from pm_app.extensions import db
from pm_app.fees.models import Bill
from pm_app.fees.periods import shift
from pm_app.org import demo
from pm_app.org.models import Compound

PORT = 18765
THREADS = 8  # enough to keep every worker busy and queue a little; more only measures queueing
PREFIX = "bench-api-"


def _accounts() -> dict[str, tuple[User, str]]:
    bindings = {username: (role, binding) for username, role, binding in demo._ACCOUNTS}
    made = {}
    for name in ("regulator", "street", "firm", "committee"):
        role, binding = bindings[name]
        fields = binding() or {}
        fields.pop("display_name", None)
        user = create_user(PREFIX + name, "bench-password-1", role, **fields)
        made[name] = (user, issue_token(user))
    db.session.commit()
    return made


def _drop_accounts() -> None:
    ids = select(User.id).where(User.username.startswith(PREFIX))
    db.session.execute(delete(ApiToken).where(ApiToken.user_id.in_(ids)))
    for user in db.session.scalars(select(User).where(User.username.startswith(PREFIX))):
        db.session.delete(user)
    db.session.commit()


def mix(accounts: dict[str, tuple[User, str]]) -> list[Target]:
    """What each role opens most: its lists (first page), one compound, its collection rates."""
    period = db.session.scalar(select(func.max(Bill.period)))
    months = f"period_from={shift(period, -2)}&period_to={period}"
    street_user, street = accounts["street"]
    street_id = street_user.street_ids[0]
    street_compound = db.session.scalar(
        select(Compound.id).where(Compound.street_id == street_id).order_by(Compound.id).limit(1)
    )
    firm_user, firm = accounts["firm"]
    firm_compound = db.session.scalar(
        select(Bill.compound_id).where(Bill.firm_id == firm_user.firm_id, Bill.period == period).limit(1)
    )
    committee_user, committee = accounts["committee"]
    own = committee_user.compound_id
    _, regulator = accounts["regulator"]
    return [
        Target("regulator: compounds of a street", f"/api/v1/compounds?street_id={street_id}", regulator),
        Target("regulator: alerts", "/api/v1/alerts", regulator),
        Target(
            "regulator: street collection rates",
            f"/api/v1/collection-rates?scope=street&id={street_id}&{months}",
            regulator,
        ),
        Target("street: one compound", f"/api/v1/compounds/{street_compound}", street),
        Target(
            "street: a compound's bills of a month",
            f"/api/v1/bills?compound_id={street_compound}&period={period}",
            street,
        ),
        Target("street: overdue tickets", "/api/v1/tickets?overdue=true", street),
        Target("street: expiring warranty items", "/api/v1/warranty-items?expiring_within_days=90", street),
        Target(
            "firm: a compound's bills of a month", f"/api/v1/bills?compound_id={firm_compound}&period={period}", firm
        ),
        Target("firm: tickets", "/api/v1/tickets", firm),
        Target(
            "firm: its collection rates", f"/api/v1/collection-rates?scope=firm&id={firm_user.firm_id}&{months}", firm
        ),
        Target("committee: its compound", f"/api/v1/compounds/{own}", committee),
        Target(
            "committee: its collection rates", f"/api/v1/collection-rates?scope=compound&id={own}&{months}", committee
        ),
        Target("committee: its tickets", f"/api/v1/tickets?compound_id={own}", committee),
        Target("committee: who am I", "/api/v1/auth/me", committee),
    ]


def bench_api(
    url: str, seconds: float, workers: int | None = None, worker_class: str | None = None, redis_url: str | None = None
) -> dict:
    """The mix as deployed (Redis given: the API cache on) and, for comparison, with the cache off;
    each against /healthz measured before and after it under the same gunicorn."""
    _drop_accounts()  # a run stopped half-way may have left its accounts
    accounts = _accounts()
    try:
        targets = mix(accounts)
        figures = {
            "workers": workers or "gunicorn.conf.py",
            "worker_class": worker_class or "gunicorn.conf.py",
            "threads": THREADS,
        }
        runs = (("uncached", False), ("cached", True)) if redis_url else (("uncached", False),)
        for name, cache in runs:
            with Gunicorn(url, PORT, workers, worker_class, redis_url, cache):
                figures[name] = _run(targets, seconds, redis_url if cache else None)
    finally:
        _drop_accounts()
    figures |= figures.get("cached") or figures["uncached"]  # the headline: the product as deployed
    return figures


def _run(targets: list[Target], seconds: float, cache_in: str | None) -> dict:
    if cache_in:
        _flush_cache(cache_in)
    # Each target on its own first: a broken one fails as itself, and its time alone shows which
    # reads weigh on the mix (with the cache, the first of the five is the one that fills it).
    single = {t.name: _alone(t) for t in targets}
    health = run_load(PORT, [Target("health", "/healthz")], THREADS, seconds)
    mixed = run_load(PORT, targets, THREADS, seconds)
    health_again = run_load(PORT, [Target("health", "/healthz")], THREADS, seconds)
    health_rps = (health.requests + health_again.requests) / (health.seconds + health_again.seconds)
    return {
        "single_request_ms": single,
        "health": health.summary(),
        "health_again": health_again.summary(),
        "mix": mixed.summary(),
        "ratio": round(mixed.requests / mixed.seconds / health_rps, 2),
    }


def _flush_cache(redis_url: str) -> None:
    """Start from an empty cache: the run measures filling it as well as reading it."""
    from redis import Redis

    from pm_app.common.api_cache import ENTRY

    client = Redis.from_url(redis_url)
    for key in client.scan_iter(ENTRY + "*", count=1000):
        client.delete(key)


def _alone(target: Target) -> float:
    """Milliseconds of one request with nothing else running (the median of five); must be a 200."""
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    times = []
    for _ in range(5):
        started = time.perf_counter()
        connection.request("GET", target.path, headers={"Authorization": f"Bearer {target.token}"})
        response = connection.getresponse()
        response.read()
        assert response.status == 200, (target.name, response.status)
        times.append(time.perf_counter() - started)
        if response.getheader("Connection", "").lower() == "close":
            connection.close()
    connection.close()
    return round(sorted(times)[2] * 1000, 1)
