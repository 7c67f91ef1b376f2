"""Units in headers are honoured or refused, never dropped: 万元 for money, 月 and 采暖期 for
warranty terms, 万㎡ for quantities."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from pm_app.extensions import db
from pm_app.fees.models import Bill
from pm_app.warranties.models import RenovationProject, WarrantyItem
from tests.imports.corpus import Refused, city, officer, project, run  # noqa: F401  (fixtures)
from tests.imports.files import csv_file, workbook


def test_amounts_in_wan_yuan_are_read_as_wan_yuan_and_yuan_as_yuan(city, officer):
    rows = [("楼栋", "单元/房号", "账期", "应收金额(万元)"), ("1号楼", "1-101", "2024-03", 1.2)]
    assert run("bills", officer, city.compound, workbook(rows))["bills_created"] == 1
    rows = [("楼栋", "单元/房号", "账期", "应收金额（元）"), ("1号楼", "1-101", "2024-04", "71.60")]
    assert run("bills", officer, city.compound, csv_file(rows))["bills_created"] == 1
    amounts = db.session.execute(
        select(Bill.period, Bill.amount_due_fen).where(Bill.household_id == city.household.id).order_by(Bill.period)
    ).all()
    assert amounts == [("2024-03", 1_200_000), ("2024-04", 7160)]  # 12,000.00 yuan exactly, and 71.60


def items() -> list[tuple]:
    return list(
        db.session.execute(
            select(
                WarrantyItem.description, WarrantyItem.warranty_years, WarrantyItem.quantity, WarrantyItem.unit
            ).order_by(WarrantyItem.id)
        )
    )


def test_a_guarantee_in_months_is_read_as_months(officer, project):
    target = db.session.get(RenovationProject, project["id"])
    rows = [("质保类别", "项目内容", "质保期(月)"), ("greenery", "补植乔木", "24")]
    run("warranty_items", officer, target, csv_file(rows))
    assert items() == [("补植乔木", 2, None, None)]  # two years, not 24


def test_months_that_are_not_whole_years_are_refused(officer, project):
    target = db.session.get(RenovationProject, project["id"])
    rows = [("质保类别", "项目内容", "质保期(月)"), ("greenery", "补植乔木", "18")]
    with pytest.raises(Refused) as refused:
        run("warranty_items", officer, target, csv_file(rows))
    assert refused.value.errors == {"2": ["质保期(月) 18 月 is not a whole number of years"]}


def test_a_guarantee_in_heating_seasons_counts_one_a_year(officer, project):
    target = db.session.get(RenovationProject, project["id"])
    rows = [("质保类别", "项目内容", "保修期(采暖期)"), ("heating", "供热管网改造", "2")]
    run("warranty_items", officer, target, csv_file(rows))
    assert items() == [("供热管网改造", 2, None, None)]


def test_a_quantity_in_wan_square_metres_keeps_its_magnitude(officer, project):
    target = db.session.get(RenovationProject, project["id"])
    rows = [("质保类别", "项目内容", "工程量(万㎡)"), ("road_paving", "路面硬化", "1.2")]
    run("warranty_items", officer, target, csv_file(rows))
    assert items() == [("路面硬化", 5, Decimal("12000.00"), "㎡")]


def test_an_unknown_unit_for_a_term_is_refused_naming_the_column(officer, project):
    target = db.session.get(RenovationProject, project["id"])
    rows = [("质保类别", "项目内容", "质保期(周)"), ("wall_fence", "围墙翻新", "100")]
    with pytest.raises(Refused) as refused:
        run("warranty_items", officer, target, csv_file(rows))
    assert refused.value.errors == {
        "1": ['column "质保期(周)": the unit "周" is not one this column takes (年, 月 or 采暖期)']
    }
