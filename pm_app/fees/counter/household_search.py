"""The counter's one search box: a household by building and unit as people type them, by the
owner's name, or by the last four digits of the owner's phone; only within the caller's scope.

What is typed is read once into the spellings it can stand for, and each becomes an indexed
lookup, never a scan of the households:

- `3-2-301`, `3号楼2单元301`, `3栋2单元301室`, `三号楼二单元三零一`: building 3, entrance 2, flat 301.
  Building names are looked up among their usual spellings (`3号楼`, `3栋`, `3幢`, `3#` …, index
  on building.name) and units among theirs (`2-301`, `2单元301`; the (building, unit) unique index);
- `3栋301`, `3号楼301`, `3-301`: building 3, flat 301 at any entrance (entrances 1–9 spelled out,
  so it is still the unique index, not a LIKE);
- four digits: the end of the owner's phone (an expression index, migration a24a00000006);
- anything else: the owner's name, whole or its start (index on owner_name, pattern operators on
  PostgreSQL).

Full-width digits and signs are NFKC-normalised first; Chinese numerals are read as digits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import Select, func, literal_column, select

from pm_app.auth.scope import scope_clause
from pm_app.common.inputs import normal
from pm_app.common.privacy import mask_name
from pm_app.extensions import db
from pm_app.fees.models import Bill, BillStatus
from pm_app.org.models import Building, Compound, Household
from pm_app.org.services import sees_personal_data

# Text for text the expression of ix_household_phone_tail: the planner matches it as written.
PHONE_TAIL = func.substr(Household.owner_phone, func.length(Household.owner_phone) - literal_column("3"))
ENTRANCES = range(1, 10)
BUILDING_FORMS = ("{}号楼", "{}栋", "{}幢", "{}座", "{}号", "{}#", "{}#楼", "{}")
CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_NUMBER = re.compile(r"[零〇一二两三四五六七八九十]+")
_BUILDING = r"(?P<b>[0-9]{1,4})\s*(?:号楼|号|栋|幢|座|#楼|#)"
_FULL = re.compile(
    r"(?P<b>[0-9]{1,4})\s*(?:号楼|号|栋|幢|座|#楼|#)?\s*[-/_.]?\s*(?P<e>[0-9]{1,2})\s*(?:单元|[-/_.])\s*"
    r"(?P<r>[0-9]{1,5})\s*(?:室|号)?"
)
_ROOM = re.compile(_BUILDING + r"\s*[-/]?\s*(?P<r>[0-9]{1,5})\s*(?:室|号)?")
_PAIR = re.compile(r"(?P<b>[0-9]{1,4})\s*[-/]\s*(?P<r>[0-9]{1,5})")
_WHOLE_BUILDING = re.compile(_BUILDING)
_PHONE = re.compile(r"[0-9]{4}")


@dataclass(frozen=True)
class Place:
    building: int
    entrance: int | None = None
    room: str | None = None


def read(q: str) -> Place | str:
    """What `q` names: a place, the last four digits of a phone ("tail:1234"), or a name."""
    text = normal(q).strip()
    if _PHONE.fullmatch(text):
        return f"tail:{text}"
    digits = _CN_NUMBER.sub(lambda m: _cn_number(m.group()), text)
    if match := _FULL.fullmatch(digits):
        return Place(int(match["b"]), int(match["e"]), match["r"])
    if match := (_ROOM.fullmatch(digits) or _PAIR.fullmatch(digits)):
        return Place(int(match["b"]), None, match["r"])
    if match := _WHOLE_BUILDING.fullmatch(digits):
        return Place(int(match["b"]))
    return text


def _cn_number(text: str) -> str:
    """三 → 3, 十二 → 12, 二十三 → 23, 三零一 → 301 (a run of digits is read digit by digit)."""
    if "十" not in text:
        return "".join(str(CN_DIGITS[c]) for c in text)
    tens, _, ones = text.partition("十")
    if "十" in ones or len(tens) > 1 or len(ones) > 1:
        return text  # not a number written this way: leave it to the name search
    return str((CN_DIGITS[tens] if tens else 1) * 10 + (CN_DIGITS[ones] if ones else 0))


def query(user, q: str, compound_id: int | None = None) -> Select:
    """The matching households the caller may see, with their compound and building names."""
    found = read(q)
    statement = (
        select(Household, Compound.name.label("compound"), Building.name.label("building"))
        .join(Building, Building.id == Household.building_id)
        .join(Compound, Compound.id == Household.compound_id)
        .where(scope_clause(Household, user))
    )
    if compound_id is not None:
        statement = statement.where(Household.compound_id == compound_id)
    if isinstance(found, Place):
        statement = statement.where(Building.name.in_([form.format(found.building) for form in BUILDING_FORMS]))
        if found.room is not None:
            statement = statement.where(Household.unit.in_(_units(found)))
    elif found.startswith("tail:"):
        statement = statement.where(PHONE_TAIL == found.removeprefix("tail:"))
    else:
        pattern = found.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        statement = statement.where(Household.owner_name.like(pattern, escape="\\"))
    return statement.order_by(Compound.name, Building.name, Household.unit, Household.id)


def _units(place: Place) -> list[str]:
    room = place.room
    entrances = [place.entrance] if place.entrance is not None else list(ENTRANCES)
    units = [form.format(e, room) for e in entrances for form in ("{}-{}", "{}单元{}", "{}-{}室", "{}单元{}室")]
    if place.entrance is None:
        units += [room, f"{room}室"]
    return units


def owing(user, household_ids: list[int]) -> dict[int, tuple[int, int]]:
    """household id → (fen owed, months unsettled) on the bills the caller sees: one GROUP BY."""
    if not household_ids:
        return {}
    rows = db.session.execute(
        select(Bill.household_id, func.sum(Bill.amount_due_fen - Bill.paid_fen - Bill.waived_fen), func.count())
        .where(
            Bill.household_id.in_(household_ids),
            Bill.status.in_((BillStatus.unpaid, BillStatus.partial)),
            scope_clause(Bill, user),
        )
        .group_by(Bill.household_id)
    )
    return {household_id: (int(owed), count) for household_id, owed, count in rows}


def found_rows(user, rows) -> list[dict]:
    """The rows of `query` as the counter shows them: what each owes, owners masked by role."""
    rows = list(rows)
    owed = owing(user, [household.id for household, _compound, _building in rows])
    personal: dict[int, bool] = {}
    found = []
    for household, compound, building in rows:
        if household.compound_id not in personal:
            personal[household.compound_id] = sees_personal_data(user, household.compound_id)
        arrears, months = owed.get(household.id, (0, 0))
        found.append(
            {
                "id": household.id,
                "compound_id": household.compound_id,
                "compound": compound,
                "building": building,
                "unit": household.unit,
                "arrears": arrears,
                "unpaid_periods": months,
                "owner_name": household.owner_name
                if personal[household.compound_id]
                else mask_name(household.owner_name),
            }
        )
    return found
