"""Seed steps for places, firms and compounds: who is where, and who could serve them."""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import func, select

from pm_app.extensions import db
from pm_app.org import seed_names as names
from pm_app.org.models import (
    City,
    Community,
    Compound,
    District,
    Firm,
    FirmKind,
    ManagementMode,
    RenovationType,
    Street,
)
from pm_app.org.seed_run import PlannedCompound, PlannedStreet, SeedRun, insert_returning_ids

# Share of compounds per management mode. Seed 003's city reports many renovated compounds
# still without a firm; `none` and `self_managed` are guaranteed at least one each so every
# scale shows the unmanaged case the product exists for.
MODE_MIX = [
    (ManagementMode.professional, 0.52),
    (ManagementMode.quasi, 0.16),
    (ManagementMode.street_entrusted, 0.14),
    (ManagementMode.self_managed, 0.10),
    (ManagementMode.none, 0.08),
]
RENOVATION_MIX = ([RenovationType.basic, RenovationType.improvement, RenovationType.upgrade], [50, 35, 15])
FIRST_ACCEPTANCE, LAST_ACCEPTANCE = date(2020, 1, 1), date(2025, 12, 31)


def seed_places(run: SeedRun) -> None:
    """Districts and streets from the name list (reused if they already exist), 2–4 communities each."""
    rng = run.rng("places")
    total = run.scale.districts * run.scale.streets_per_district
    for name, code, division, street_names in names.DISTRICTS[: run.scale.districts]:
        district = _get_or_create(run, District, name=name, city_id=run.city_id or _first_city())
        for street_name in street_names[: run.scale.streets_per_district]:
            street = _get_or_create(run, Street, district_id=district.id, name=street_name)
            taken: set[str] = set()
            communities = [
                _get_or_create(
                    run,
                    Community,
                    street_id=street.id,
                    name=names.unique(lambda r: r.choice(names.PLACES) + "社区", taken, rng),
                )
                for _ in range(rng.randint(2, 4))
            ]
            run.streets.append(
                PlannedStreet(street.id, name, run.code_prefix + code, division, [c.id for c in communities])
            )
            run.report("places", len(run.streets), total)


def _first_city() -> int:
    """The deployment's city (migration a30a00000014 creates it; a city-scale seed fills it)."""
    return db.session.scalar(select(func.min(City.id)))


def _get_or_create(run: SeedRun, model, **fields):
    row = db.session.scalar(select(model).filter_by(**fields))
    if row is None:
        row = model(**fields)
        db.session.add(row)
        db.session.flush()
        run.count(model.__tablename__, 1)
    return row


def seed_firms(run: SeedRun) -> None:
    rng = run.rng("firms")
    taken_names = set(db.session.scalars(select(Firm.name)))
    taken_codes = set(db.session.scalars(select(Firm.uscc)))
    divisions = [s.division for s in run.streets] + [names.CITY_DIVISION]
    wanted = [
        (FirmKind.property, run.scale.property_firms),
        (FirmKind.contractor, run.scale.contractors),
        (FirmKind.supervisor, run.scale.supervisors),
    ]
    rows = []
    for kind, count in wanted:
        for _ in range(count):
            code = names.uscc(rng, rng.choice(divisions))
            while code in taken_codes:
                code = names.uscc(rng, rng.choice(divisions))
            taken_codes.add(code)
            name = names.unique(lambda r: names.firm_name(r, kind.value), taken_names, rng)
            rows.append({"kind": kind, "name": name, "uscc": code})
    ids = insert_returning_ids(run, Firm, rows)
    for row, firm_id in zip(rows, ids, strict=True):
        run.firms.setdefault(row["kind"].value, []).append(firm_id)
    run.report("firms", len(rows), len(rows))


def seed_compounds(run: SeedRun) -> None:
    rng = run.rng("compounds")
    n = run.scale.compounds
    # Streets differ in how much old housing they have.
    weights = [rng.uniform(0.6, 1.4) for _ in run.streets]
    placed = sorted(rng.choices(range(len(run.streets)), weights, k=n))
    modes = _mode_mix(rng, n)
    latest = min(LAST_ACCEPTANCE, run.as_of - timedelta(days=60))
    taken: set[str] = set()
    numbers: dict[str, int] = {}
    rows = []
    for index, mode in zip(placed, modes, strict=True):
        street = run.streets[index]
        numbers[street.district_code] = numbers.get(street.district_code, 0) + 1
        rows.append(
            {
                "code": f"{street.district_code}-{numbers[street.district_code]:04d}",
                "name": names.unique(names.compound_name, taken, rng),
                "street_id": street.id,
                "community_id": rng.choice(street.community_ids),
                "address": names.address(rng, street.district),
                "year_built": rng.randint(1980, 2000),
                "renovation_type": rng.choices(*RENOVATION_MIX)[0],
                "acceptance_date": _random_day(rng, FIRST_ACCEPTANCE, latest),
                "management_mode": mode,
            }
        )
    ids = insert_returning_ids(run, Compound, rows)
    run.compounds = [
        PlannedCompound(
            cid, row["code"], run.streets[i].district, row["street_id"], row["management_mode"], row["acceptance_date"]
        )
        for cid, row, i in zip(ids, rows, placed, strict=True)
    ]
    run.report("compounds", n, n)


def _mode_mix(rng: random.Random, n: int) -> list[ManagementMode]:
    counts = {mode: round(share * n) for mode, share in MODE_MIX}
    for mode in (ManagementMode.none, ManagementMode.self_managed):
        counts[mode] = max(1, counts[mode])
    counts[ManagementMode.professional] += n - sum(counts.values())
    modes = [mode for mode, count in counts.items() for _ in range(count)]
    rng.shuffle(modes)
    return modes


def _random_day(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, max(0, (last - first).days)))
