"""The one row loop every import runs: open the file, find its header, then for each line below
it skip what is not a row (empty, hidden, a 合计 line), check the row's cells with the domain's
`check`, hand good rows to its `add`, and collect the problems keyed by the row number a person
sees ("1" for a header on row 1, "file" for a file that cannot be read at all).

Reading goes on past the first bad row so every bad row is named; the domain stops writing at the
first one (its savepoint undoes what went in before), so nothing is half-written.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from typing import IO

from flask_babel import gettext as _

from pm_app.common.imports.cells import cell_text, is_blank
from pm_app.common.imports.headers import Header, Layout, find_header
from pm_app.common.imports.reading import UnreadableFile, open_sheet
from pm_app.common.imports.registry import PROGRESS_EVERY, Options
from pm_app.common.imports.report import RowProblems, Skipped
from pm_app.common.inputs import normal

# A totals line: its first words say so ("合计", "小 计：", "总计 120户").
_TOTALS = re.compile(r"(合计|小计|总计|共计)")


@dataclass
class Outcome:
    errors: RowProblems
    header: Header | None = None
    skipped: Skipped = field(default_factory=Skipped)
    rows: int = 0  # rows checked (good and bad)


def is_totals(cells) -> bool:
    for cell in cells:
        if isinstance(cell, str) and cell.strip():
            return "计" in cell and bool(_TOTALS.match(re.sub(r"\s+", "", normal(cell))))
    return False


def read_file(
    upload: IO[bytes],
    layout: Layout,
    check: Callable,
    add: Callable,
    options: Options | None = None,
    progress: Callable | None = None,
    limit: int | None = None,
    errors: RowProblems | None = None,
) -> Outcome:
    """`check(number, raw, header)` → (values, problems), raw being field → cell; `add(number,
    values)` takes each row without problems (and may look at `errors`, given here so that a
    writer can hold it, to stop writing at the first bad row). An UnreadableFile raised by either (a file too long
    for its import) is the file's problem. `limit`: stop after that many rows (the preview)."""
    options = options or Options()
    outcome = Outcome(errors if errors is not None else RowProblems())
    errors, skipped = outcome.errors, outcome.skipped
    try:
        with closing(open_sheet(upload)) as sheet:
            header, lines = find_header(iter(sheet), layout)
            outcome.header = header
            skipped.ignored_columns = list(header.ignored)
            if header.problems:
                errors[str(header.number)] = header.problems
                return outcome  # without a sound header no row can be read for sure
            done = 0
            for line in lines:
                done += 1
                if progress is not None and done % PROGRESS_EVERY == 0:
                    progress(done, max(sheet.total, done))
                if is_blank(line.cells):
                    skipped.empty += 1
                elif line.hidden and not options.include_hidden:
                    skipped.hide(line.number)
                elif is_totals(line.cells):
                    skipped.totals += 1
                else:
                    outcome.rows += 1
                    _row(line, header, layout, check, add, errors)
                    if limit is not None and outcome.rows >= limit:
                        break
            if progress is not None:
                progress(done, done)
    except UnreadableFile as exc:
        errors["file"] = [str(exc)]
    return outcome


def _row(line, header: Header, layout: Layout, check, add, errors: RowProblems) -> None:
    cells = line.cells
    raw = {name: cells[index] if index < len(cells) else None for name, index in header.columns.items()}
    values, problems = check(line.number, raw, header)
    if layout.ragged_check and any(cell_text(cell) != "" for cell in cells[header.width :]):
        problems.append(_("has %(cells)d cells but the header has %(columns)d", cells=len(cells), columns=header.width))
    if problems:
        errors[str(line.number)] = problems
    else:
        add(line.number, values)
