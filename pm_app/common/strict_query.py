"""Query strings that say what they mean: a list's filters are a schema, and a name the schema
does not know is refused (422 naming it), never ignored — `?sourse=hotline_12345` must not return
every ticket as if it had filtered. Pagination and the language travel on every list and pass."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, pre_load

PASSED = frozenset({"page", "page_size", "lang"})


class StrictQuery(Schema):
    @pre_load
    def _refuse_unknown(self, data, **kwargs):
        known = {field.data_key or name for name, field in self.load_fields.items()} | PASSED
        unknown = sorted(set(data.keys()) - known)
        if unknown:
            raise ValidationError(
                {name: ["unknown filter; known: " + ", ".join(sorted(known - PASSED))] for name in unknown}
            )
        return data
