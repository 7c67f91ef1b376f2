"""Where the header is and what it says: a title above it, a two-row header, columns of the
source system nobody reads, a totals row at the bottom, and a sheet with no header at all."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from pm_app.extensions import db
from pm_app.org.models import Building, Household
from tests.imports.corpus import Refused, city, officer, preview, run  # noqa: F401  (fixtures)
from tests.imports.files import csv_file, workbook

HEADER = ("楼栋", "单元/房号", "建筑面积", "业主姓名", "业主电话")


def flats(building: str) -> list[tuple[str, str | None]]:
    return list(
        db.session.execute(
            select(Household.unit, Household.owner_name)
            .join(Building)
            .where(Building.name == building)
            .order_by(Household.unit)
        )
    )


def test_a_merged_title_above_the_header_is_read_past(city, officer):
    rows = [
        ("东门新村住户登记表（2024年）", None, None, None, None),
        HEADER,
        ("7号楼", "1-101", 80, "赵敏", None),
        ("7号楼", "1-102", 80, "钱进", None),
    ]
    result = run("households", officer, city.compound, workbook(rows, merges=["A1:E1"]))
    assert result["imported"] == 2
    assert flats("7号楼") == [("1-101", "赵敏"), ("1-102", "钱进")]


def test_a_two_row_header_is_joined(city, officer):
    """房屋信息 over 楼栋/单元/房号/建筑面积, 业主信息 over 姓名/电话: 单元 beside 房号 is the entrance."""
    rows = [
        ("房屋信息", None, None, None, "业主信息", None),
        ("楼栋", "单元", "房号", "建筑面积", "姓名", "电话"),
        ("8号楼", "2单元", "301", 92.5, "孙丽", "13900001111"),
    ]
    result = run("households", officer, city.compound, workbook(rows, merges=["A1:D1", "E1:F1"]))
    assert result["imported"] == 1
    [flat] = db.session.scalars(select(Household).join(Building).where(Building.name == "8号楼"))
    assert (flat.unit, flat.floor_area_dm2, flat.owner_name, flat.owner_phone) == ("2-301", 9250, "孙丽", "13900001111")


def test_columns_nobody_reads_are_ignored_and_listed(city, officer):
    rows = [("序号", *HEADER, "身份证号", "备注"), ("1", "7号楼", "2-101", "80", "周杰", "", "350102198001011234", "")]
    result = run("households", officer, city.compound, csv_file(rows))
    assert result["imported"] == 1
    assert result["ignored_columns"] == ["序号", "身份证号", "备注"]


def test_totals_and_empty_rows_are_skipped_and_counted(city, officer):
    rows = [
        HEADER,
        ("7号楼", "3-101", "80", "", ""),
        ("", "", "", "", ""),
        ("7号楼", "3-102", "70.5", "", ""),
        ("合计", "", "150.5", "", ""),
        ("小 计：2户", "", "", "", ""),
    ]
    result = run("households", officer, city.compound, csv_file(rows))
    assert result["imported"] == 2
    assert result["skipped"] == {"empty": 1, "totals": 2, "hidden": 0}


def test_a_sheet_without_a_recognisable_header_is_refused_saying_so(city, officer):
    rows = [("东门新村住户登记表",), ("2024年3月",), ("张三", "李四", "王五")]
    with pytest.raises(Refused) as refused:
        run("households", officer, city.compound, csv_file(rows))
    problems = refused.value.errors["1"]
    assert problems[0] == (
        "No header row was found in the first 20 rows: the header names the columns, "
        "such as building、unit、floor_area_m2."
    )


def test_an_unknown_unit_is_refused_naming_the_column(city, officer):
    rows = [("楼栋", "单元/房号", "建筑面积(亩)"), ("7号楼", "4-101", "1")]
    with pytest.raises(Refused) as refused:
        run("households", officer, city.compound, csv_file(rows))
    assert refused.value.errors == {
        "1": ['column "建筑面积(亩)": the unit "亩" is not one this column takes (㎡ or 万㎡)']
    }


def test_the_preview_shows_columns_units_ignored_columns_and_normalised_rows(city, officer):
    rows = [("序号", "房屋地址", "建筑面积(㎡)", "业主姓名"), ("1", "３栋２单元３０１室", "86.4", "吴昊")]
    shown = preview("households", officer, city.compound, csv_file(rows))
    assert shown["columns"] == [
        {"header": "房屋地址", "field": "address", "unit": None},
        {"header": "建筑面积(㎡)", "field": "floor_area_m2", "unit": "㎡"},
        {"header": "业主姓名", "field": "owner_name", "unit": None},
    ]
    assert shown["ignored_columns"] == ["序号"]
    assert shown["rows"] == [
        {
            "row": 2,
            "values": {
                "building": "3号楼",
                "unit": "2-301",
                "floor_area_m2": "86.40",
                "owner_name": "吴昊",
                "owner_phone": "",
            },
        }
    ]
    assert db.session.scalar(select(Building).where(Building.name == "3号楼")) is None  # nothing written
