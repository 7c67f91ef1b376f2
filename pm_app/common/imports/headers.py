"""Finding the header of an uploaded sheet and mapping its columns to an import's fields.

The header need not be the first row: offices put a title above it ("XX小区住户登记表（2024年）"),
merged across the sheet. Of the first HEADER_SEARCH rows, the one naming most of the import's
columns is the header. A two-row header (房屋信息 / 业主信息 merged over 楼栋, 单元… / 姓名, 电话)
is read by trying each cell with the group written above it ("业主" + "姓名" = 业主姓名) when the
cell alone names nothing. Columns the import does not know (序号, 身份证号, 备注) are ignored and
listed in the result; they are named as problems only when a needed column is missing, since one
of them may be that column misspelt.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import chain

from flask_babel import gettext as _

from pm_app.common.imports.cells import cell_text, is_blank
from pm_app.common.imports.reading import Line, UnreadableFile
from pm_app.common.imports.units import Unit, UnitError, read_unit, split_unit
from pm_app.common.inputs import normal

HEADER_SEARCH = 20
_GROUP_WORDS = re.compile(r"(信息|情况|资料|基本)+$")


@dataclass(frozen=True)
class Column:
    field: str
    aliases: tuple[str, ...] = ()  # as header_key spells them; the field's own name always counts
    unit: str | None = None  # "money", "term", "area", "quantity" (units.KINDS), or a plain column
    required: bool = False
    instead: str | None = None  # a field that may stand in for this required one (an address for a building)


@dataclass(frozen=True)
class Layout:
    """The columns of one import. `shared` headers name a field that depends on the others:
    "单元" is the unit unless a 房号 column is there too, and then it is the entrance."""

    columns: tuple[Column, ...]
    shared: dict[str, tuple[str, ...]] = field(default_factory=dict)
    repeats_allowed: bool = False  # True: of two columns naming one field the more usual name wins
    ragged_check: bool = True  # a row's cells past the header's last column are a problem
    shown: dict[str, str] = field(default_factory=dict)  # field → name in "missing column …"

    def alias_table(self) -> dict[str, tuple[str, int]]:
        table: dict[str, tuple[str, int]] = {}
        for column in self.columns:
            for rank, alias in enumerate((column.field, *column.aliases)):
                table.setdefault(alias, (column.field, rank))
        return table


@dataclass
class Header:
    number: int
    columns: dict[str, int]  # field → column index
    written: dict[str, str]  # field → the header as the file writes it
    units: dict[str, Unit | None]  # field → the unit its header gives
    ignored: list[str]  # headers of columns nobody reads
    width: int  # cells up to the last non-blank header cell
    problems: list[str]


def header_key(text) -> str:
    """A header as aliases spell it: NFKC, lower case, no blanks (ASCII: blanks and dashes → _)."""
    text = normal(cell_text(text)).strip().rstrip(":：").strip().lower()
    return re.sub(r"\s+", "", text) if not text.isascii() else re.sub(r"[\s-]+", "_", text)


def find_header(lines: Iterator[Line], layout: Layout) -> tuple[Header, Iterator[Line]]:
    """The header and the lines after it. Raises UnreadableFile when the file has no text at all."""
    buffered: list[Line] = []  # every line read, blank ones too: those below the header are rows
    seen: list[int] = []  # positions in `buffered` of the lines with text
    for line in lines:
        buffered.append(line)
        if not is_blank(line.cells):
            seen.append(len(buffered) - 1)
            if len(seen) == HEADER_SEARCH:
                break
    if not seen:
        raise UnreadableFile(_("The file is empty."))
    table = layout.alias_table()
    best, best_score = None, 0
    for order, position in enumerate(seen):
        line = buffered[position]
        previous = buffered[seen[order - 1]] if order else None
        above = previous if previous is not None and previous.number == line.number - 1 else None
        header = _read(line, above, layout, table)
        score = len(header.columns)
        if score > best_score:
            best, best_score = (position, header), score
    if best is None:
        return _said(_no_header(buffered[seen[0]], layout, table)), iter(())
    position, header = best
    return _said(header), chain(buffered[position + 1 :], lines)


def _said(header: Header) -> Header:
    # Problems are worded only for the row taken as the header: every candidate row is read as
    # one, and wording each one's problems would cost a translation lookup per cell.
    header.problems = [problem() for problem in header.problems]
    return header


def _texts(line: Line | None, index: int) -> str:
    if line is None or index >= len(line.cells):
        return ""
    return normal(cell_text(line.cells[index])).strip()


def _read(line: Line, above: Line | None, layout: Layout, table: dict) -> Header:
    columns: dict[str, int] = {}
    written: dict[str, str] = {}
    ranks: dict[str, int] = {}
    units: dict[str, Unit | None] = {}
    kinds = {column.field: column.unit for column in layout.columns}
    unknown, problems, later = [], [], []
    keys: set[str] = set()
    width = 0
    for index, cell in enumerate(line.cells):
        text = _texts(line, index)
        group = _texts(above, index)
        if not text and not group:
            continue  # blank header cells are formatting spill-over, not columns
        shown = cell_text(cell).strip() or cell_text(above.cells[index]).strip()  # as the file writes it
        candidates = [text, group + text, _GROUP_WORDS.sub("", group) + text] if group and group != text else [text]
        if not text:
            candidates = [group]  # a header merged down both rows, or a title merged across
        for candidate in candidates:
            name, unit = split_unit(candidate)
            key = header_key(name)
            if key in table or key in layout.shared:
                break
        else:
            if text:  # under a title or a group, a blank cell is no column
                unknown.append(shown)
                width = index + 1
            continue
        width = index + 1
        if key in keys:
            problems.append(lambda shown=shown: _('column "%(column)s" appears twice', column=shown))
            continue
        keys.add(key)
        if key in layout.shared:
            later.append((index, shown, key, unit))
            continue
        target, rank = table[key]
        if target in columns:
            if not layout.repeats_allowed:
                problems.append(lambda shown=shown: _('column "%(column)s" appears twice', column=shown))
                continue
            if rank >= ranks[target]:
                continue
        columns[target], written[target], ranks[target] = index, shown, rank
        units[target] = _unit(kinds[target], unit, shown, problems)
    for index, shown, key, unit in later:  # "单元": the first of its fields no other column took
        target = next((f for f in layout.shared[key] if f not in columns), None)
        if target is not None:
            columns[target], written[target] = index, shown
            units[target] = _unit(kinds[target], unit, shown, problems)
    missing = [
        column
        for column in layout.columns
        if column.required and column.field not in columns and not (column.instead and column.instead in columns)
    ]
    if missing:
        problems = [lambda text=text: _('unknown column "%(column)s"', column=text) for text in unknown] + problems
        names = [layout.shown.get(column.field, column.field) for column in missing]
        problems += [lambda name=name: _("missing column %(column)s", column=name) for name in names]
    return Header(line.number, columns, written, units, unknown, width, problems)


def _unit(kind: str | None, unit: str | None, shown: str, problems: list[str]) -> Unit | None:
    """The unit `unit` (NFKC: ㎡ is m2 by then) of a header written `shown`, named as written."""
    written = split_unit(shown)[1]
    try:
        found = read_unit(kind, unit, shown)
        return Unit(written, found.factor) if found is not None and written else found
    except UnitError as exc:
        problems.append(exc.message)
        return None


def _no_header(first: Line, layout: Layout, table: dict) -> Header:
    header = _read(first, None, layout, table)
    names = "、".join(layout.shown.get(c.field, c.field) for c in layout.columns if c.required)
    header.problems.insert(
        0,
        lambda: _(
            "No header row was found in the first %(rows)d rows: the header names the columns, such as %(names)s.",
            rows=HEADER_SEARCH,
            names=names,
        ),
    )
    return header
