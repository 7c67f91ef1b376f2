"""The REST API object and its one error shape: {"code", "message", "errors"}."""

from __future__ import annotations

from flask_smorest import Api as _Api
from flask_smorest import Blueprint as _Blueprint
from flask_smorest.fields import Upload
from flask_smorest.pagination import (
    PaginationMetadataSchema,
    PaginationParameters,  # noqa: F401  (re-exported for views)
)
from marshmallow import Schema, fields, validate
from webargs.flaskparser import FlaskParser
from werkzeug.datastructures import CombinedMultiDict, MultiDict

from pm_app.common.api_contract import CommonResponses, IdConverter, bound_integers, id_converter_schema
from pm_app.common.fields import DecimalString
from pm_app.common.inputs import MAX_PAGE


class ErrorOut(Schema):
    """What pm_app.errors answers for every refusal (flask-smorest's own has an integer code)."""

    code = fields.Str(metadata={"description": "invalid_input, not_found, forbidden, conflict, …"})
    message = fields.Str(metadata={"description": "one sentence in the caller's language"})
    errors = fields.Dict(metadata={"description": "field (or row number) → its problems"})


class Api(_Api):
    ERROR_SCHEMA = ErrorOut

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.register_field(DecimalString, "string", "decimal")

    def _init_spec(self, *, extra_plugins=None, **kwargs):
        super()._init_spec(extra_plugins=[*(extra_plugins or ()), CommonResponses()], **kwargs)
        self.register_converter(IdConverter, id_converter_schema)

    def _register_error_handlers(self):
        # pm_app.errors registers one handler set for pages and API alike.
        pass

    def _register_pagination_header(self):
        # X-Pagination is JSON text; a header `schema` of type object would mean OpenAPI's
        # "simple" style (total,3,page,1), which clients and schemathesis then read it as.
        self.spec.components.header(
            "PAGINATION",
            {
                "description": "Pagination metadata, as JSON",
                "content": {"application/json": {"schema": PaginationMetadataSchema}},
            },
            lazy=True,
        )


class _PageParser(FlaskParser):
    """Reads ?page= and ?page_size= of every paginated list: page at most inputs.MAX_PAGE, so a page
    number of 21 digits is a 422 on `page`, not an OFFSET the database cannot hold (a 500)."""

    def _get_schema(self, argmap, req):
        schema = super()._get_schema(argmap, req)
        page = schema.fields.get("page")
        if page is not None and _PAGE_BOUND not in page.validators:
            page.validators.append(_PAGE_BOUND)
        return schema


_PAGE_BOUND = validate.Range(max=MAX_PAGE, error="must be at most {max}")


class Blueprint(_Blueprint):
    """flask-smorest blueprint whose lists paginate with page/page_size and X-Pagination."""

    DEFAULT_PAGINATION_PARAMETERS = {"page": 1, "page_size": 50, "max_page_size": 500}

    PAGINATION_ARGUMENTS_PARSER = _PageParser()

    @staticmethod
    def _make_pagination_metadata(page, page_size, item_count):
        """X-Pagination. flask-smorest leaves out `page` (and the way back) on an empty list and
        past the last page, so a client cannot tell where it is; here `page` is always the page
        asked, and past the end `previous_page` leads back to the last page."""
        pages = -(-item_count // page_size)
        meta = {"total": item_count, "total_pages": pages, "page": page}
        if pages:
            meta |= {"first_page": 1, "last_page": pages}
            if page > 1:
                meta["previous_page"] = min(page - 1, pages)
            if page < pages:
                meta["next_page"] = page + 1
        return PaginationMetadataSchema().dump(meta)

    def arguments(self, schema, *args, **kwargs):
        return super().arguments(bound_integers(schema() if isinstance(schema, type) else schema), *args, **kwargs)

    def alt_response(self, status_code, *args, **kwargs):
        # A refusal documented by its description alone still has the one error body.
        if int(status_code) >= 400 and not args and "schema" not in kwargs and "response" not in kwargs:
            kwargs["schema"] = ErrorOut
        return super().alt_response(status_code, *args, **kwargs)


class _MultipartParser(FlaskParser):
    """A multipart body carries fields and files together; reading both as the form lets one
    schema check the whole body and document it as one multipart/form-data request body."""

    def load_form(self, req, schema):
        # A file field is read from the files only: a plain text part named "file" is no upload
        # (it reached the import as a str, a 500) but a missing one, which the schema refuses.
        uploads = {name for name, field in schema.fields.items() if isinstance(field, Upload)}
        form = MultiDict([(k, v) for k, v in req.form.items(multi=True) if k not in uploads])
        return self._makeproxy(CombinedMultiDict([form, req.files]), schema)


class UploadBlueprint(Blueprint):
    """For endpoints that take a file upload with its fields (the imports)."""

    ARGUMENTS_PARSER = _MultipartParser()
