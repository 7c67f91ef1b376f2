"""What every API operation promises besides its own answers: the error statuses any of them may
give, and integers no larger than the database can hold.

schemathesis (tests/security/test_schemathesis.py) holds the app to its OpenAPI description, so
the description must list every status an operation can answer, and an id too large for a
database integer must be refused as input (422, or 404 in a path), not fail in the database (a
500: SQLite cannot bind it, PostgreSQL raises "integer out of range").
"""

from __future__ import annotations

from datetime import datetime

from apispec import BasePlugin
from marshmallow import Schema, fields, validate
from werkzeug.routing import IntegerConverter

from pm_app.common.inputs import DB_INT_MAX, FIRST_DAY, LAST_DAY

# Ids and counts are SQL INTEGER columns: 32 bits on PostgreSQL.
_BOUNDS = validate.Range(min=-DB_INT_MAX - 1, max=DB_INT_MAX)
# Every date the API takes lies in common.inputs' range (an "as_of" of year 1 would make a
# request walk two thousand years; year 9999 overflows as soon as a day is added).
_DAYS = validate.Range(min=FIRST_DAY, max=LAST_DAY, error="must be between {min} and {max}")


class _Instants(validate.Validator):
    """The DateTime counterpart of _DAYS: the instant's own day within the range."""

    error = f"must be between {FIRST_DAY} and {LAST_DAY}"

    def __call__(self, value: datetime) -> datetime:
        if not FIRST_DAY <= value.date() <= LAST_DAY:
            raise validate.ValidationError(self.error)
        return value


_INSTANTS = _Instants()


class IdConverter(IntegerConverter):
    """`<int:…>` in every route: a number past DB_INT_MAX matches no route (404), like a missing id."""

    def __init__(self, map, fixed_digits=0, min=None, max=DB_INT_MAX, signed=False):  # noqa: A002  (werkzeug's names)
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def id_converter_schema(_converter) -> dict:
    return {"type": "integer", "minimum": 0, "maximum": DB_INT_MAX}


def bound_integers(schema: Schema) -> Schema:
    """Give every integer field of an input schema (nested ones too) the database's bounds, and
    every date and date-time field common.inputs' range of days."""
    for field in schema.fields.values():
        _bound(field)
    return schema


def _bound(field) -> None:
    if isinstance(field, fields.Integer):
        if _BOUNDS not in field.validators:
            field.validators.append(_BOUNDS)
    elif isinstance(field, fields.Date):
        if _DAYS not in field.validators:
            field.validators.append(_DAYS)
    elif isinstance(field, fields.DateTime):
        if _INSTANTS not in field.validators:
            field.validators.append(_INSTANTS)
    elif isinstance(field, fields.Nested) and isinstance(field.schema, Schema):
        bound_integers(field.schema)
    elif isinstance(field, fields.List):
        _bound(field.inner)
    elif isinstance(field, fields.Dict) and field.value_field is not None:
        _bound(field.value_field)


class CommonResponses(BasePlugin):
    """Documents on every operation the refusals any of them may give, so each operation lists
    only its own (409, 413, …):

    - 401: no valid bearer token (operations that take one);
    - 403: the caller's role, or its relation to the object, does not allow this;
    - 404: an object the request names (path, query or body) does not exist or is outside the
      caller's scope — the API answers both alike;
    - 400: a body that is not JSON at all, or JSON nested too deep (operations that take a JSON
      body), and, on every operation, a path, query or body with control characters
      (common.request_guard, which runs before any operation).
    """

    def operation_helper(self, path=None, operations=None, **kwargs):
        for operation in (operations or {}).values():
            responses = operation.setdefault("responses", {})
            codes = {str(code) for code in responses}
            if operation.get("security") != []:
                for code, name in (("401", "UNAUTHORIZED"), ("403", "FORBIDDEN"), ("404", "NOT_FOUND")):
                    if code not in codes:
                        responses[code] = name
            if "400" not in codes:
                responses["400"] = "BAD_REQUEST"
