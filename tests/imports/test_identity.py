"""One flat, one identity: full-width and written-out forms of a building or a unit are the same
flat as their plain form, in the file and against the flats already registered; an address in one
cell is split into building, entrance and flat."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from pm_app.extensions import db
from pm_app.fees.models import Bill
from pm_app.org.models import Building, Household
from tests.imports.corpus import Refused, city, officer, run  # noqa: F401  (fixtures)
from tests.imports.files import csv_file

HEADER = ("楼栋", "单元/房号", "建筑面积")


def households(compound) -> int:
    return db.session.scalar(select(func.count()).select_from(Household).where(Household.compound_id == compound.id))


def test_the_same_flat_written_full_width_is_refused_naming_both_rows(city, officer):
    rows = [HEADER, ("2号楼", "301", "80"), ("２号楼", "３０１", "80")]
    before = households(city.compound)
    with pytest.raises(Refused) as refused:
        run("households", officer, city.compound, csv_file(rows))
    assert refused.value.errors == {"3": ["2号楼 301 is also on row 2"]}
    assert households(city.compound) == before


def test_a_flat_already_registered_is_never_registered_again_whatever_its_spelling(city, officer):
    """The city's compound has 1号楼 1-101; the file writes it 一号楼 / 1栋 / １号楼 and 1单元101."""
    for building, unit in (("一号楼", "1-101"), ("1栋", "1单元101"), ("１号楼", "１-１０１"), ("1#", "1-101室")):
        before = households(city.compound)
        with pytest.raises(Refused) as refused:
            run("households", officer, city.compound, csv_file([HEADER, (building, unit, "80")]))
        assert refused.value.errors == {"2": ["1号楼 1-101 is already registered in this compound"]}, building
        assert households(city.compound) == before


@pytest.mark.parametrize("written", ["3栋", "3幢", "3#", "三号楼", "３号楼"])
def test_every_way_of_writing_a_building_is_one_building(city, officer, written):
    rows = [HEADER, ("3号楼", "1-101", "80"), (written, "1-102", "80")]
    result = run("households", officer, city.compound, csv_file(rows))
    assert result["buildings_created"] == 1
    assert list(
        db.session.scalars(
            select(Building.name).where(Building.compound_id == city.compound.id, Building.name.like("%3%"))
        )
    ) == ["3号楼"]


@pytest.mark.parametrize("address", ["3栋2单元301", "3-2-301", "3号楼2单元301室"])
def test_an_address_in_one_cell_is_split_into_building_entrance_and_flat(city, officer, address):
    rows = [("房屋地址", "建筑面积", "业主姓名"), (address, "86.4", "郑爽")]
    assert run("households", officer, city.compound, csv_file(rows))["imported"] == 1
    flat = db.session.scalar(select(Household).where(Household.owner_name == "郑爽"))
    assert (flat.building.name, flat.unit) == ("3号楼", "2-301")


def test_an_address_that_names_no_flat_is_refused_naming_the_row(city, officer):
    rows = [("房屋地址", "建筑面积"), ("东门新村物业用房", "86.4")]
    with pytest.raises(Refused) as refused:
        run("households", officer, city.compound, csv_file(rows))
    assert refused.value.errors == {
        "2": [
            'address "东门新村物业用房" is not written as building, entrance and flat, such as 3栋2单元301 or 3-2-301'
        ]
    }


def test_a_fee_ledger_finds_the_household_however_the_flat_is_written(city, officer):
    rows = [("房屋地址", "账期", "应收金额"), ("1栋1单元101", "2024-03", "71.60")]
    assert run("bills", officer, city.compound, csv_file(rows))["bills_created"] == 1
    assert db.session.scalar(select(Bill.household_id)) == city.household.id
