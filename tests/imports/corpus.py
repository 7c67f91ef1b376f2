"""Helpers of the corpus (test_reading, test_headers, test_units, test_identity): it runs each import through the registry (common.imports.registry), as the job does,
with its problems in English so the tests can read them."""

from __future__ import annotations

import io

import pytest
from flask import current_app

from pm_app.common.imports.registry import Options, kind
from pm_app.errors import DomainError
from tests.org.conftest import City, city  # noqa: F401  (the fixture, shared)
from tests.warranties.conftest import project  # noqa: F401  (the fixture, shared)


class Refused(Exception):
    def __init__(self, error: DomainError):
        super().__init__(error.message)
        self.errors = dict(error.errors)


def run(name: str, user, target, content: bytes, **options) -> dict:
    """The import's result; Refused (with its errors by row) when the file is refused."""
    with current_app.test_request_context("/?lang=en"):
        try:
            return kind(name).run(user, target, io.BytesIO(content), Options(**options), None)
        except DomainError as exc:
            raise Refused(exc) from None


def preview(name: str, user, target, content: bytes, **options) -> dict:
    with current_app.test_request_context("/?lang=en"):
        return kind(name).preview(user, target, io.BytesIO(content), Options(**options), limit=20)


@pytest.fixture
def officer(city):  # noqa: F811
    return city.users["street_officer"]
