"""Query-string filters shared by lists in the API and the pages."""

from __future__ import annotations

from sqlalchemy import Select


def where_equal(query: Select, model, args: dict, fields: tuple[str, ...]) -> Select:
    """Narrow `query` by each of `fields` that the caller gave a value for."""
    for field in fields:
        if args.get(field) is not None:
            query = query.where(getattr(model, field) == args[field])
    return query
