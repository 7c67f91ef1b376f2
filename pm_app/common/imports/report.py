"""What an import says back: the one sentence above a refused file's rows, and for a file that went
in, what was left aside and why (empty, totals and hidden rows; columns nobody reads).

Problems are kept by `common.inputs.RowProblems`: the first MAX_PROBLEMS rows and the count of
the rest, so a file of bad rows gets a reply of a few KB whatever its size.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import ngettext

from pm_app.common.inputs import MAX_PROBLEMS, RowProblems, ascii_digits

__all__ = ["RowProblems", "Skipped", "refusal", "in_row_order"]


@dataclass
class Skipped:
    """Rows read past on purpose. Hidden rows are listed (the first MAX_PROBLEMS) so an office can
    check that they are the households that moved out."""

    empty: int = 0
    totals: int = 0
    hidden: int = 0
    hidden_rows: list[int] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    def hide(self, number: int) -> None:
        self.hidden += 1
        if len(self.hidden_rows) < MAX_PROBLEMS:
            self.hidden_rows.append(number)

    def as_dict(self) -> dict:
        return {
            "skipped": {"empty": self.empty, "totals": self.totals, "hidden": self.hidden},
            "hidden_rows": list(self.hidden_rows),
            "ignored_columns": list(self.ignored_columns),
        }


def refusal(errors: dict) -> str:
    """The one sentence above a refused file's rows."""
    if isinstance(errors, RowProblems):
        errors.summarise()
    rows = getattr(errors, "rows", None) or sum(1 for key in errors if ascii_digits(key))
    if not rows:
        return _("The file could not be read; nothing was imported.")
    return ngettext(
        "%(num)d row has problems; nothing was imported.", "%(num)d rows have problems; nothing was imported.", rows
    )


def in_row_order(errors: dict) -> dict:
    """Rules across rows are checked a chunk at a time, after the rows' own checks have reported:
    put the keys back in the order of the file ("file" and "more" first)."""
    ordered = dict(
        sorted(errors.items(), key=lambda item: (ascii_digits(item[0]), int(item[0]) if ascii_digits(item[0]) else 0))
    )
    if isinstance(errors, RowProblems):
        kept = RowProblems()
        dict.update(kept, ordered)
        kept.rows = errors.rows
        return kept
    return ordered
