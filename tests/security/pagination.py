"""What a list page's X-Pagination header must say (test_pagination.py, the randomised run)."""

from __future__ import annotations

import json

KEYS = {"total", "total_pages", "first_page", "last_page", "page", "previous_page", "next_page"}
DEFAULT_PAGE_SIZE = 50


def check_pagination(query: dict, raw: str | None, rows) -> str | None:
    """What is wrong with a list page's X-Pagination header, or None. It must say how many rows
    there are and how many pages of the size asked; the page asked (even past the end); the first
    and last page; the previous page (past the end: the last one) and the next where there is one;
    and the body must hold exactly the rows of that page."""
    if raw is None:
        return "a paginated list without an X-Pagination header"
    try:
        meta = json.loads(raw)
    except ValueError:
        return f"X-Pagination is not JSON: {raw!r}"
    if not isinstance(meta, dict) or set(meta) - KEYS:
        return f"X-Pagination has unknown keys: {raw}"
    page, size = int(query.get("page", 1)), int(query.get("page_size", DEFAULT_PAGE_SIZE))
    total = meta.get("total")
    if not isinstance(total, int) or total < 0:
        return f"X-Pagination has no count of rows: {raw}"
    pages = -(-total // size)
    expected = {"total": total, "total_pages": pages, "page": page}
    if pages:
        expected |= {"first_page": 1, "last_page": pages}
        if page > 1:
            expected["previous_page"] = min(page - 1, pages)
        if page < pages:
            expected["next_page"] = page + 1
    if meta != expected:
        return f"X-Pagination {raw} for page {page} of size {size}; expected {json.dumps(expected)}"
    on_page = max(0, min(size, total - (page - 1) * size))
    if isinstance(rows, list) and len(rows) != on_page:
        return (
            f"X-Pagination says {total} rows, so page {page} of size {size} holds {on_page}; the body has {len(rows)}"
        )
    return None
