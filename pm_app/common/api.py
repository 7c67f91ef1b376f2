"""The REST API object and its one error shape: {"code", "message", "errors"}."""
from __future__ import annotations

from flask_smorest import Api as _Api
from flask_smorest import Blueprint as _Blueprint
from flask_smorest.pagination import PaginationParameters  # noqa: F401  (re-exported for views)


class Api(_Api):
    def _register_error_handlers(self):
        # pm_app.errors registers one handler set for pages and API alike.
        pass


class Blueprint(_Blueprint):
    """flask-smorest blueprint whose lists paginate with page/page_size and X-Pagination."""

    DEFAULT_PAGINATION_PARAMETERS = {"page": 1, "page_size": 50, "max_page_size": 500}
