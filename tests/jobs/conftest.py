"""A firm with four compounds whose contracts make every outcome of a bulk run: billed, no
contract that month, the firm's contract ended, and the month billed under another firm's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from pm_app.auth.models import Role
from pm_app.common.clock import today
from pm_app.fees.periods import first_day, period_of, shift
from tests.factories import BuildingFactory, CompoundFactory, ContractFactory, HouseholdFactory, UserFactory
from tests.org.conftest import City, city  # noqa: F401  (the fixture, shared)


@dataclass
class Firm4:
    period: str
    billed: object  # city.compound: the firm's contract bills the month
    later: object  # the firm's contract starts after the month
    ended: object  # the firm's contract billed the month but has ended since
    taken: object  # another firm's contract bills the month; the firm took over later
    colleague: object  # another user of the same firm


def _compound(city, code):
    compound = CompoundFactory(code=code, name=f"小区{code}", street=city.street)
    HouseholdFactory(building=BuildingFactory(compound_id=compound.id, name="1号楼"), unit="1-101")
    return compound


@pytest.fixture
def firm4(city) -> Firm4:
    period = shift(period_of(today()), -6)
    start = first_day(period)
    later, ended, taken = _compound(city, "GL-0002"), _compound(city, "GL-0003"), _compound(city, "GL-0004")
    ContractFactory(
        compound=later,
        firm=city.firm,
        start_date=first_day(shift(period, 2)),
        end_date=start.replace(year=start.year + 5),
    )
    ContractFactory(
        compound=ended,
        firm=city.firm,
        start_date=start.replace(year=start.year - 1),
        end_date=start + timedelta(days=14),
    )
    ContractFactory(
        compound=ended,
        firm=city.other_firm,
        start_date=start + timedelta(days=15),
        end_date=start.replace(year=start.year + 5),
    )
    ContractFactory(
        compound=taken,
        firm=city.other_firm,
        start_date=start.replace(year=start.year - 1),
        end_date=start + timedelta(days=9),
    )
    ContractFactory(
        compound=taken,
        firm=city.firm,
        start_date=start + timedelta(days=10),
        end_date=start.replace(year=start.year + 5),
    )
    colleague = UserFactory(role=Role.firm_staff, firm=city.firm)
    return Firm4(period, city.compound, later, ended, taken, colleague)


@dataclass
class FakeRQ:
    queue: object
    connection: object

    def work(self):
        from rq import SimpleWorker

        SimpleWorker([self.queue], connection=self.connection).work(burst=True)


@pytest.fixture
def rq(app, monkeypatch) -> FakeRQ:
    """Jobs go to RQ (fakeredis) and wait there until `rq.work()` drains the queue."""
    import fakeredis
    from rq import Queue

    fake = fakeredis.FakeRedis()
    monkeypatch.setitem(app.config, "JOBS_MODE", "rq")
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://fake")
    monkeypatch.setitem(app.extensions, "pm_redis", fake)
    return FakeRQ(Queue("default", connection=fake), fake)
