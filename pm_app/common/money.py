"""Money is integer fen inside and a decimal string of yuan at the edge; never a float.

The one rounding step (ROUND_HALF_UP) is `round_fen`, used where a rate meets an area.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from pm_app.common.inputs import InputError, parse_amount


class AmountError(InputError):
    pass


def parse_decimal(value, places: int, what: str = "amount") -> Decimal:
    """Parse a decimal string with at most `places` decimals (common.inputs.parse_amount: ASCII
    after NFKC, at most 12 integer digits, no exponent); refuse floats and junk."""
    try:
        return parse_amount(value, places, what)
    except InputError as exc:
        raise AmountError(str(exc)) from None


def yuan_to_fen(value) -> int:
    return int(parse_decimal(value, 2, "amount") * 100)


def fen_to_yuan(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{sign}{fen // 100}.{fen % 100:02d}"


def yuan_display(fen: int | None) -> str:
    """For pages only: 460000000 → "4,600,000.00". The API, exports' text, form values and
    CSV keep `fen_to_yuan`'s plain digits, which a parser or a spreadsheet reads back."""
    if fen is None:
        return ""
    return group_yuan(fen_to_yuan(fen))


def group_yuan(plain: str) -> str:
    """A plain yuan string ("4600000.00", as services hand to the API) grouped for a page."""
    if not plain or plain[-3:-2] != ".":
        return plain
    sign, plain = ("-", plain[1:]) if plain.startswith("-") else ("", plain)
    whole, cents = plain.split(".")
    return f"{sign}{int(whole):,}.{cents}"


def m2_to_dm2(value) -> int:
    """Floor areas are kept in dm² (0.01 m²) so area × rate stays in integers."""
    return int(parse_decimal(value, 2, "area") * 100)


def dm2_to_m2(dm2: int) -> str:
    return f"{dm2 // 100}.{dm2 % 100:02d}"


def round_fen(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half up to a whole fen: the one rounding step."""
    return int((Decimal(numerator) / Decimal(denominator)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
