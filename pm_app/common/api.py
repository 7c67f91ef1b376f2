"""The REST API object and its one error shape: {"code", "message", "errors"}."""
from __future__ import annotations

from flask_smorest import Api as _Api
from flask_smorest import Blueprint as _Blueprint
from flask_smorest.pagination import PaginationParameters  # noqa: F401  (re-exported for views)
from webargs.flaskparser import FlaskParser
from werkzeug.datastructures import CombinedMultiDict


class Api(_Api):
    def _register_error_handlers(self):
        # pm_app.errors registers one handler set for pages and API alike.
        pass


class Blueprint(_Blueprint):
    """flask-smorest blueprint whose lists paginate with page/page_size and X-Pagination."""

    DEFAULT_PAGINATION_PARAMETERS = {"page": 1, "page_size": 50, "max_page_size": 500}


class _MultipartParser(FlaskParser):
    """A multipart body carries fields and files together; reading both as the form lets one
    schema check the whole body and document it as one multipart/form-data request body."""

    def load_form(self, req, schema):
        return self._makeproxy(CombinedMultiDict([req.form, req.files]), schema)


class UploadBlueprint(Blueprint):
    """For endpoints that take a file upload with its fields (the imports)."""

    ARGUMENTS_PARSER = _MultipartParser()
