"""The one input discipline: every number, date, period, code and line of text a caller sends is
read here, so no two spellings of one value can coexist and no value can cost unbounded time.

- Text is NFKC-normalised first: full-width "２０２６-11" from a Chinese keyboard becomes
  "2026-11", the one spelling that is stored and compared. Digits of other scripts ("٢٠٢٦", which
  NFKC leaves alone) are then refused, because every pattern matches ASCII only (`re.ASCII`,
  `fullmatch`: never `\\d`, never `$`, which also matches before a final line break).
- Amounts: at most 12 integer digits and a fixed number of decimals, no exponent, no "_", read by a
  regular expression before `Decimal` sees them, so "1e500000" is refused in microseconds.
- Integers: within the column they go to (PostgreSQL integer unless said otherwise).
- Days: within FIRST_DAY..LAST_DAY, so no "as of year 1" can make a request walk 24,000 months.
- Text: no NUL or other C0/C1 control character (tab, line feed and carriage return are allowed
  where a line break means something; single-line values refuse them too).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _

DB_INT_MAX = 2**31 - 1  # PostgreSQL integer
DB_BIGINT_MAX = 2**63 - 1  # PostgreSQL bigint
FIRST_DAY = date(1990, 1, 1)
LAST_DAY = date(2100, 12, 31)
AMOUNT_DIGITS = 12  # integer digits of an amount: up to 999,999,999,999.99 yuan
MAX_PAGE = 1_000_000  # far past any list's end; bounds the OFFSET a page can ask for
MAX_RAW = 64  # longer than any number, date or period: refused before any parsing
MAX_PROBLEMS = 200  # rows of an import's problems kept for the reply; the rest are counted

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
LINE_BREAK = re.compile(r"[\n\r\u2028\u2029]")
_INTEGER = re.compile(r"[+-]?[0-9]{1,19}", re.ASCII)
_DAY = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})", re.ASCII)
_AMOUNT = re.compile(r"([+-]?)([0-9]{1,%d})(?:\.([0-9]{0,8}))?" % AMOUNT_DIGITS, re.ASCII)


class InputError(ValueError):
    """A value the discipline refuses; its message says what is wrong, in the caller's terms."""


def ascii_digits(text: str) -> bool:
    """Only 0-9: str.isdigit() also takes "²", "２" and "٢", which int() then reads or refuses."""
    return text.isascii() and text.isdigit()


def normal(value: str) -> str:
    """The one spelling of a text: NFKC (full-width forms, ideographic space → ASCII)."""
    return unicodedata.normalize("NFKC", value)


def text_problem(value: str, single_line: bool = False) -> str | None:
    """Why `value` cannot be stored as text, or None: control characters never, line breaks not in
    a single-line value (a code, a name, a period)."""
    if CONTROL.search(value):
        return "must not contain control characters"
    if single_line and LINE_BREAK.search(value):
        return "must be on one line"
    return None


def token(value, pattern: re.Pattern, what: str, message: str) -> str:
    """A code or period in its one spelling: NFKC, outer spaces dropped, then the whole of it must
    match `pattern` (compiled with re.ASCII). A line break anywhere is refused, not stripped."""
    if not isinstance(value, str) or len(value) > 4 * MAX_RAW:
        raise InputError(message)
    problem = text_problem(value, single_line=True)
    if problem:
        raise InputError(f"{what} {problem}")
    text = normal(value).strip(" ")
    if not pattern.fullmatch(text):
        raise InputError(message)
    return text


def _short_ascii(value, what: str) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise InputError(f'{what} must be written as text such as "12"')
    if isinstance(value, str) and len(value) > 4 * MAX_RAW:
        raise InputError(f"{what} is too long")
    text = normal(str(value)).strip(" ") if isinstance(value, str) else str(value)
    if len(text) > MAX_RAW or not text.isascii():
        raise InputError(f"{what} must be written with the digits 0-9")
    return text


def parse_int(value, what: str = "number", low: int = -DB_INT_MAX - 1, high: int = DB_INT_MAX) -> int:
    """A whole number in [low, high] (by default a PostgreSQL integer), ASCII digits only."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        text = _short_ascii(value, what)
        if not _INTEGER.fullmatch(text):
            raise InputError(f"{what} must be a whole number")
        number = int(text)
    if not low <= number <= high:
        raise InputError(f"{what} must be between {low} and {high}")
    return number


def parse_amount(value, places: int = 2, what: str = "amount", digits: int = AMOUNT_DIGITS) -> Decimal:
    """A decimal written "71.60": at most `digits` integer digits and `places` decimals (trailing
    zeros past them are fine), no exponent, no "_", no float. Bounded time whatever the input."""
    if isinstance(value, float) or isinstance(value, bool):
        raise InputError(f'{what} must be a decimal string such as "71.60", not a float')
    text = _short_ascii(value, what)
    match = _AMOUNT.fullmatch(text)
    if not match:
        raise InputError(
            f'{what} must be a number such as "71.60" with at most {AMOUNT_DIGITS} digits before the point'
        )
    sign, whole, decimals = match.group(1), match.group(2), (match.group(3) or "")
    if len(whole.lstrip("0")) > digits:
        raise InputError(f"{what} has more than {digits} digits before the point")
    if decimals[places:].strip("0"):
        raise InputError(f"{what} has more than {places} decimal places")
    return Decimal(f"{sign}{whole}.{decimals[:places] or '0'}")


def scaled(value, places: int = 2, what: str = "amount", digits: int = AMOUNT_DIGITS) -> int:
    """The amount as a whole number of its smallest unit (yuan → fen, m² → dm²)."""
    return int(parse_amount(value, places, what, digits).scaleb(places))


def check_day(day: date, what: str = "date") -> date:
    if not FIRST_DAY <= day <= LAST_DAY:
        raise InputError(f"{what} must be between {FIRST_DAY.isoformat()} and {LAST_DAY.isoformat()}")
    return day


def parse_day(value, what: str = "date") -> date:
    """A day written YYYY-MM-DD within FIRST_DAY..LAST_DAY."""
    if isinstance(value, date):
        return check_day(value, what)
    text = _short_ascii(value, what)
    match = _DAY.fullmatch(text)
    if not match:
        raise InputError(f"{what} must be a date written YYYY-MM-DD")
    try:
        day = date(*(int(part) for part in match.groups()))
    except ValueError:
        raise InputError(f"{what} is not a date in the calendar") from None
    return check_day(day, what)


class RowProblems(dict):
    """An import's problems, row number → problems: the first MAX_PROBLEMS rows are kept, the rest
    only counted (`rows` is the total), so a file of 19 MB of bad rows gets a reply of a few KB.
    Keys that are not row numbers ("file") are always kept; `summarise()` adds "more", how many
    were left out (org.imports.refusal calls it for every import)."""

    def __init__(self):
        super().__init__()
        self.rows = 0

    def __setitem__(self, key: str, value) -> None:
        if not ascii_digits(key) or key in self:
            super().__setitem__(key, value)
            return
        self.rows += 1
        if self.rows <= MAX_PROBLEMS:
            super().__setitem__(key, value)

    def summarise(self) -> None:
        """Once, when the file has been read: say how many rows are not listed."""
        if self.rows > MAX_PROBLEMS:
            super().__setitem__(
                "more",
                [
                    _(
                        "%(num)d more rows have problems; the first %(shown)d are listed.",
                        num=self.rows - MAX_PROBLEMS,
                        shown=MAX_PROBLEMS,
                    )
                ],
            )
