"""schemathesis over the whole OpenAPI description, as each signed-in role.

Every operation of /api/v1/openapi.json (loaded from the app itself) gets a few generated
requests per role with the role's bearer token: valid ones (positive) and deliberately wrong ones
(negative), with path ids now and then taken from the caller's own objects of the access-walk
world so requests get past the 404, and once with path ids too large for a database integer.
Each answer must

- not be a server error (not_a_server_error);
- carry a status the operation lists itself — the catch-all `default` response does not count
  (status_documented below; pm_app.common.api_contract lists 401/403/404 on every operation that
  takes a token, and 400 on those that take JSON);
- have the documented content type and match the documented body schema.

Each example runs inside a savepoint rolled back after it, so one example's writes never meet the
next, and the test's own transaction is rolled back at the end like any other test.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from pm_app.auth.services import issue_token
from pm_app.extensions import db
from tests.security.routes import FIXED_ARGS, OBJECT_ARGS

ROLES = ("admin", "regulator", "street_officer", "firm_staff", "contractor_staff", "committee_member")
# Examples per operation and role; bounded so the six roles run in about a minute on SQLite.
EXAMPLES = {GenerationMode.POSITIVE: 2, GenerationMode.NEGATIVE: 2}
HUGE_ID = 2**64


def status_documented(ctx, response, case):
    """The status must be listed for the operation itself, not only covered by `default`."""
    documented = set(case.operation.responses.status_codes) - {"default"}
    if str(response.status_code) not in documented:
        raise AssertionError(
            f"status {response.status_code} is not documented (documented: {sorted(documented)}); "
            f"body {response.text[:300]}"
        )


CHECKS = [
    not_a_server_error,
    status_documented,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="module")
def schema(app):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


@pytest.mark.parametrize("role", ROLES)
def test_every_operation_answers_as_documented(role, schema, world):
    headers = {"Authorization": f"Bearer {issue_token(world.city.users[role])}"}
    db.session.commit()  # the world and the token stay; each example's writes go in a savepoint
    run = _Run(db.session.get_bind(), headers)
    db.session.remove()
    for result in schema.get_all_operations():
        operation = result.ok()
        own = _own_path_values(operation, world)
        for mode, count in EXAMPLES.items():
            strategies = [operation.as_strategy(generation_mode=mode)]
            if own:
                strategies.append(operation.as_strategy(generation_mode=mode, path_parameters=own))
            run(st.one_of(strategies), count)
        if own:  # generation finds ids past a database integer only by luck: send them every time
            huge = {name: HUGE_ID for name in own if name in OBJECT_ARGS}
            run(operation.as_strategy(path_parameters={**own, **huge}), 1)
        run.operations += 1
    print(f"\n{role}: {run.operations} operations, {run.examples} examples, {len(run.failures)} failures")
    assert not run.failures, f"{len(run.failures)} failures:\n\n" + "\n\n".join(run.failures[:30])


def _own_path_values(operation, world) -> dict:
    values = {}
    for parameter in operation.path_parameters:
        name = parameter.name
        if name in FIXED_ARGS:
            values[name] = FIXED_ARGS[name]
        elif OBJECT_ARGS.get(name) in world.ids:
            values[name] = world.ids[OBJECT_ARGS[name]]["own"]
        else:
            return {}
    return values


class _Run:
    """Sends the examples of one strategy, each in a savepoint rolled back after it, and collects
    every failure (one report naming each failing operation beats stopping at the first)."""

    def __init__(self, connection, headers):
        self.connection, self.headers = connection, headers
        self.failures: list[str] = []
        self.operations = self.examples = 0

    def __call__(self, strategy, count: int) -> None:
        @settings(
            max_examples=count,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy)
        def send(case):
            self.examples += 1
            savepoint = self.connection.begin_nested()
            try:
                case.call_and_validate(headers=self.headers, checks=CHECKS)
            except FailureGroup as group:
                self.failures.extend(_describe(case, failure) for failure in group.exceptions)
            except Failure as failure:
                self.failures.append(_describe(case, failure))
            finally:
                db.session.remove()
                savepoint.rollback()

        send()


def _describe(case, failure) -> str:
    body = case.body if len(repr(case.body)) < 300 else "…"
    return (
        f"{case.operation.label} path={case.path_parameters} query={case.query} body={body!r}: "
        f"{failure.title}: {failure.message}"
    )[:900]
