"""Money is integer fen inside and a decimal string of yuan at the edge; never a float.

The one rounding step (ROUND_HALF_UP) is `round_fen`, used where a rate meets an area.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation


class AmountError(ValueError):
    pass


def parse_decimal(value, places: int, what: str = "amount") -> Decimal:
    """Parse a decimal string with at most `places` decimals; refuse floats and junk."""
    if isinstance(value, float) or isinstance(value, bool):
        raise AmountError(f"{what} must be a decimal string such as \"71.60\", not a float")
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise AmountError(f"{what} is not a number") from None
    if not number.is_finite():
        raise AmountError(f"{what} is not a number")
    if -number.as_tuple().exponent > places and number != number.quantize(Decimal(1).scaleb(-places)):
        raise AmountError(f"{what} has more than {places} decimal places")
    return number


def yuan_to_fen(value) -> int:
    return int(parse_decimal(value, 2, "amount") * 100)


def fen_to_yuan(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{sign}{fen // 100}.{fen % 100:02d}"


def m2_to_dm2(value) -> int:
    """Floor areas are kept in dm² (0.01 m²) so area × rate stays in integers."""
    return int(parse_decimal(value, 2, "area") * 100)


def dm2_to_m2(dm2: int) -> str:
    return f"{dm2 // 100}.{dm2 % 100:02d}"


def round_fen(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half up to a whole fen: the one rounding step."""
    return int((Decimal(numerator) / Decimal(denominator)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
