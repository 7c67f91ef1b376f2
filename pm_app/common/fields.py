"""Marshmallow fields for money and areas: decimal strings outside, integers inside."""
from __future__ import annotations

from marshmallow import ValidationError, fields

from pm_app.common.money import AmountError, dm2_to_m2, fen_to_yuan, m2_to_dm2, yuan_to_fen


class _Decimal(fields.String):
    """Documented as a string; accepts "71.60" or a whole number, refuses JSON floats."""

    to_int = staticmethod(yuan_to_fen)
    to_str = staticmethod(fen_to_yuan)

    def __init__(self, *, positive: bool = False, **kwargs):
        self.positive = positive
        super().__init__(**kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else self.to_str(value)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise ValidationError("must be a decimal string such as \"12.50\"")
        try:
            number = self.to_int(value)
        except AmountError as exc:
            raise ValidationError(str(exc)) from None
        if number < 0 or (self.positive and number == 0):
            raise ValidationError("must be greater than zero" if self.positive else "must not be negative")
        return number


class DecimalString(fields.Decimal):
    """A decimal written as a string ("12.50") both ways. marshmallow's Decimal is documented as a
    JSON number, with its Range bounds as strings ("minimum": "0.00"), which is not what goes over
    the wire and not a valid schema: common.api documents this field as a string instead."""

    def __init__(self, places: int | None = None, **kwargs):
        super().__init__(places=places, as_string=True, **kwargs)


class Money(_Decimal):
    """Yuan as "71.60" ↔ integer fen."""


class Area(_Decimal):
    """Square metres as "86.40" ↔ integer dm² (0.01 m²)."""

    to_int = staticmethod(m2_to_dm2)
    to_str = staticmethod(dm2_to_m2)
