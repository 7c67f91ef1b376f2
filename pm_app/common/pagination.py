"""Pagination of scoped queries for flask-smorest's @paginate (page, page_size, X-Pagination)."""

from __future__ import annotations

from sqlalchemy import Select, func, select

from pm_app.extensions import db


def count_of(query: Select) -> int:
    """How many rows the query yields, whatever page is asked."""
    return db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))


def paginate(query: Select, pagination) -> list:
    pagination.item_count = count_of(query)
    return list(db.session.scalars(query.limit(pagination.page_size).offset(pagination.first_item)))
