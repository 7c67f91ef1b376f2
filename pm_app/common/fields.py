"""Marshmallow fields for money and areas: decimal strings outside, integers inside."""

from __future__ import annotations

import re
from decimal import Decimal

from marshmallow import ValidationError, fields

from pm_app.common import inputs
from pm_app.common.money import AmountError, dm2_to_m2, fen_to_yuan, m2_to_dm2, yuan_to_fen


class _Decimal(fields.String):
    """Documented as a string; accepts "71.60" or a whole number, refuses JSON floats."""

    to_int = staticmethod(yuan_to_fen)
    to_str = staticmethod(fen_to_yuan)

    def __init__(self, *, positive: bool = False, max_units: int = inputs.DB_BIGINT_MAX, **kwargs):
        """`max_units`: the most the column holds, in fen (dm²); a PostgreSQL integer column
        (fee_rate_fen) passes inputs.DB_INT_MAX. The text itself is held to 12 integer digits."""
        self.positive = positive
        self.max_units = max_units
        super().__init__(**kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else self.to_str(value)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise ValidationError('must be a decimal string such as "12.50"')
        try:
            number = self.to_int(value)
        except AmountError as exc:
            raise ValidationError(str(exc)) from None
        if number < 0 or (self.positive and number == 0):
            raise ValidationError("must be greater than zero" if self.positive else "must not be negative")
        if number > self.max_units:
            raise ValidationError(f"must be at most {self.to_str(self.max_units)}")
        return number


class DecimalString(fields.Decimal):
    """A decimal written as a string ("12.50") both ways. marshmallow's Decimal is documented as a
    JSON number, with its Range bounds as strings ("minimum": "0.00"), which is not what goes over
    the wire and not a valid schema: common.api documents this field as a string instead."""

    def __init__(self, places: int | None = None, **kwargs):
        super().__init__(places=places, as_string=True, **kwargs)

    def _validated(self, value):
        # common.inputs reads it in bounded time; marshmallow's own Decimal("1e500000") does not.
        places = 2 if self.places is None else -self.places.as_tuple().exponent
        try:
            number = inputs.parse_amount(value, places, "number")
        except inputs.InputError as exc:
            raise ValidationError(str(exc)) from None
        return number.quantize(Decimal(1).scaleb(-places))


class Money(_Decimal):
    """Yuan as "71.60" ↔ integer fen."""


class Area(_Decimal):
    """Square metres as "86.40" ↔ integer dm² (0.01 m²)."""

    to_int = staticmethod(m2_to_dm2)
    to_str = staticmethod(dm2_to_m2)


class Day(fields.Date):
    """A date written YYYY-MM-DD within inputs.FIRST_DAY..LAST_DAY: every date the API takes."""

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return inputs.parse_day(value, "date")
        except inputs.InputError as exc:
            raise ValidationError(str(exc)) from None


class Token(fields.String):
    """A code or period in its one spelling (inputs.token): NFKC, then the whole of it matches an
    ASCII-only pattern; a line break or control character anywhere is refused."""

    def __init__(self, pattern: str, message: str, **kwargs):
        self.pattern = re.compile(pattern, re.ASCII)
        self.message = message
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return inputs.token(value, self.pattern, attr or "value", self.message)
        except inputs.InputError as exc:
            raise ValidationError(str(exc)) from None


class Line(fields.String):
    """A single-line text (a name, a building, a unit): no control characters, no line breaks."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        problem = inputs.text_problem(text, single_line=True)
        if problem:
            raise ValidationError(problem)
        return text
