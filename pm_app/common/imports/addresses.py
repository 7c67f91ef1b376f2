"""One flat, one identity: how buildings, entrances and units are written, and how an address in
one cell is split into them.

Households are stored as a building (by name, "3号楼") and a unit that carries the entrance the
way residents write it ("2-301": entrance 2, flat 301; `org.seed_households` numbers them so).
So `3号楼2单元301`, `3栋2单元301室` and `3-2-301` all become building "3号楼", unit "2-301".

Buildings compare by `building_key`: `3号楼`, `3栋`, `3幢`, `3#`, `三号楼`, `３号楼` and a bare 3
are building 3. A new building written in one of those forms is stored as "3号楼" (the name the
fee counter searches); a bare number stays as written, and other names (A座, 商业楼) are kept,
only NFKC'd and with their spaces collapsed.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pm_app.common.inputs import ascii_digits, normal

_DIGITS = "零一二三四五六七八九"
_CHINESE = f"[{_DIGITS}十百两〇]+"
_NUMBER = rf"(?:[0-9]+|{_CHINESE})"
_BUILDING = re.compile(rf"({_NUMBER})(?:号楼|号|栋|幢|#|楼|座)")
_ENTRANCE = re.compile(rf"({_NUMBER})(?:单元|门洞|门)")
_ROOM = re.compile(r"([0-9]+(?:-[0-9]+)?)(?:室|号|户)?")
_UNIT_FORM = re.compile(rf"(?:({_NUMBER})(?:单元|门洞|门)-?)?([0-9A-Za-z]+(?:-[0-9A-Za-z]+)*)(?:室|号|户)?")
# The whole address: anything before it (the road, the compound's name) is left aside.
_ADDRESS = re.compile(
    rf"(?:.*?)({_NUMBER}(?:号楼|号|栋|幢|#|楼|座))-?(?:({_NUMBER})(?:单元|门洞|门)-?)?"
    r"([0-9]+)(?:室|号|户)?"
)
_DASHED = re.compile(r"([0-9]+)-([0-9]+)-([0-9]+)|([0-9]+)-([0-9]+)")


def tidy(text: str) -> str:
    """NFKC, trimmed, inner runs of blanks made one space. (Once per cell: ASCII skips NFKC.)"""
    return " ".join((text if text.isascii() else normal(text)).split())


def chinese_number(text: str) -> int | None:
    """三 → 3, 十二 → 12, 二十三 → 23, 一〇一 → 101; ASCII digits as they are."""
    if text.isascii():
        return int(text) if ascii_digits(text) else None
    text = text.replace("两", "二").replace("〇", "零")
    if "十" not in text and "百" not in text:
        return int("".join(str(_DIGITS.index(c)) for c in text)) if all(c in _DIGITS for c in text) else None
    total, current = 0, 0
    for char in text:
        if char in _DIGITS:
            current = _DIGITS.index(char)
        elif char == "十":
            total += (current or 1) * 10
            current = 0
        elif char == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return None
    return total + current


def _number(text: str) -> str:
    value = chinese_number(text)
    return str(value) if value is not None else text


@lru_cache(maxsize=4096)  # a file names tens of buildings, on every one of its rows
def building_key(name: str) -> str:
    """The identity of a building however it is written."""
    text = tidy(name).replace(" ", "").lower()
    match = _BUILDING.fullmatch(text)
    if match:
        return "#" + str(int(_number(match.group(1))))
    if ascii_digits(text):
        return "#" + str(int(text))
    return text


@lru_cache(maxsize=4096)
def building_name(written: str) -> str:
    """The name a new building is stored under (see the module's docstring)."""
    text = tidy(written)
    match = _BUILDING.fullmatch(text.replace(" ", ""))
    if match:
        return f"{int(_number(match.group(1)))}号楼"
    return text


def unit_name(written: str, entrance: str = "") -> str:
    """The one spelling of a unit: "2单元301室" and entrance "2" with "301" → "2-301"; "３０１" → "301"."""
    text = tidy(written).replace(" ", "")
    entrance = tidy(entrance).replace(" ", "")
    match = _ENTRANCE.fullmatch(entrance)
    if match:
        entrance = match.group(1)
    match = _UNIT_FORM.fullmatch(text)
    if match:
        if match.group(1):
            entrance, text = match.group(1), match.group(2)
        else:
            text = match.group(2)
    if entrance:
        return f"{_number(entrance)}-{text}"
    return text


def split_address(written: str) -> tuple[str, str] | None:
    """(building name, unit) of "3栋2单元301", "3号楼2单元301室", "3-2-301" or "3-301"; None when
    the cell is none of those."""
    text = tidy(written).replace(" ", "")
    match = _ADDRESS.fullmatch(text)
    if match:
        building, entrance, room = match.groups()
        return building_name(building), unit_name(room, entrance or "")
    match = _DASHED.fullmatch(text)
    if match:
        if match.group(1):
            return f"{int(match.group(1))}号楼", f"{match.group(2)}-{match.group(3)}"
        return f"{int(match.group(4))}号楼", match.group(5)
    return None
