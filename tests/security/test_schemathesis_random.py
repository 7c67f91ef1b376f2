"""A randomised schemathesis run with a time budget, as the admin, a street officer and a firm.

test_schemathesis.py sends the same few derandomised examples every run; this one draws new
ones each run, so over many CI runs it covers far more of the input space. For as long as the
budget lasts (PM_APP_FUZZ_SECONDS per role, default 30) it picks an operation of
/api/v1/openapi.json at random, draws a few valid or deliberately wrong requests for it (path ids
now and then the caller's own objects, so requests get past the 404; list pages now and then
past the end) and sends them with the role's bearer token. Each answer must

- not be a server error;
- on a paginated list, carry an X-Pagination header consistent with itself, with the page asked
  and with the rows in the body (`check_pagination`).

The seed is printed whatever happens; PM_APP_FUZZ_SEED=<seed> replays a run (the same
operations and requests in the same order; a shorter budget replays a prefix of it). Each
example runs in a savepoint rolled back after it, like test_schemathesis.py.
"""

from __future__ import annotations

import os
import random
import time
from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.core.failures import Failure, FailureGroup

from pm_app.auth.services import issue_token
from pm_app.extensions import db
from tests.security.pagination import check_pagination
from tests.security.test_schemathesis import _own_path_values

ROLES = ("admin", "street_officer", "firm_staff")
BUDGET = float(os.environ.get("PM_APP_FUZZ_SECONDS", "30"))
SEED = int(os.environ.get("PM_APP_FUZZ_SEED") or time.time_ns() % 2**32)
EXAMPLES = 4  # drawn per pick of an operation
# Server errors the run found in areas other engineers own, until they are fixed: each is
# replayed exactly by test_known_server_error (xfail, strict: it fails loudly once fixed, so the
# entry is removed), and only a server error of that operation is passed over by the random run.
# (owner, role, operation label, path, query, JSON body); paths name the world's objects.
KNOWN: list[tuple[str, str, str, str, dict, object]] = []


@pytest.fixture(scope="module")
def schema(app):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


@pytest.mark.parametrize("role", ROLES)
def test_random_requests_never_get_a_server_error_or_a_wrong_page_header(role, schema, world, capsys):
    with capsys.disabled():
        print(f"\n[fuzz] {role}: seed {SEED}, {BUDGET:g} s (replay: PM_APP_FUZZ_SEED={SEED})", flush=True)
    headers = {"Authorization": f"Bearer {issue_token(world.city.users[role])}"}
    db.session.commit()  # the world and the token stay; each example's writes go in a savepoint
    run = _Run(db.session.get_bind(), headers)
    db.session.remove()
    rng = random.Random(f"{SEED}:{role}")
    operations = [result.ok() for result in schema.get_all_operations()]
    deadline = time.monotonic() + BUDGET
    while time.monotonic() < deadline:
        operation = rng.choice(operations)
        mode = rng.choice((GenerationMode.POSITIVE, GenerationMode.NEGATIVE))
        own = _own_path_values(operation, world)
        kwargs = {"path_parameters": own} if own and rng.random() < 0.7 else {}
        if _is_paginated(operation) and mode is GenerationMode.POSITIVE and rng.random() < 0.5:
            # Generated pages are mostly 1; lists past their end need asking for
            kwargs["query"] = {"page": rng.choice((2, 3, 7, 1000, 10**6)), "page_size": rng.choice((1, 2, 5, 500))}
        run(operation.as_strategy(generation_mode=mode, **kwargs), rng.getrandbits(64))
    with capsys.disabled():
        print(
            f"[fuzz] {role}: {run.examples} requests over {len(run.operations)} operations, "
            f"statuses {dict(sorted(run.statuses.items()))}, {len(run.failures)} failures",
            flush=True,
        )
    known = {label for _, who, label, *_ in KNOWN if who == role}
    unexpected = [text for label, text in run.failures if not (label in known and "server error" in text)]
    assert not unexpected, (
        f"seed {SEED} (replay: PM_APP_FUZZ_SEED={SEED}); {len(unexpected)} failures:\n\n" + "\n\n".join(unexpected[:20])
    )


@pytest.mark.parametrize(
    "owner,role,label,path,query,body",
    [
        pytest.param(*known, marks=pytest.mark.xfail(strict=True, reason=f"server error, {known[0]}'s to fix"))
        for known in KNOWN
    ],
)
def test_known_server_error(api, world, owner, role, label, path, query, body):
    method = label.split()[0]
    ids = {kind: sides["own"] for kind, sides in world.ids.items()}
    response = api.as_(world.city.users[role]).request(method, path.format(**ids), query_string=query, json=body)
    assert response.status_code < 500, f"{label} as {role} ({owner}): {response.status_code}"


def _is_paginated(operation) -> bool:
    response = operation.definition.raw.get("responses", {}).get("200", {})
    return "X-Pagination" in (response.get("headers") or {})


class _Run:
    """Sends the examples of one strategy, each in a savepoint rolled back after it, and keeps
    every failure with the operation it came from."""

    def __init__(self, connection, headers):
        self.connection, self.headers = connection, headers
        self.failures: list[tuple[str, str]] = []
        self.operations: set[str] = set()
        self.statuses: Counter = Counter()
        self.examples = self.unsatisfiable = 0

    def __call__(self, strategy, seed: int) -> None:
        @hypothesis_seed(seed)
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy)
        def send(case):
            self.examples += 1
            self.operations.add(case.operation.label)
            savepoint = self.connection.begin_nested()
            try:
                response = case.call(headers=self.headers)
                self.statuses[response.status_code] += 1
                problem = _problem(case, response)
                if problem:
                    self.failures.append((case.operation.label, _describe(case, problem)))
            except (Failure, FailureGroup) as failure:  # the call itself could not be made
                self.failures.append((case.operation.label, _describe(case, str(failure))))
            finally:
                db.session.remove()
                savepoint.rollback()

        try:
            send()
        except Unsatisfiable:  # e.g. no wrong value exists for an operation without parameters
            self.unsatisfiable += 1


def _problem(case, response) -> str | None:
    if response.status_code >= 500:
        return f"server error {response.status_code}: {response.text[:300]}"
    if response.status_code == 200 and _is_paginated(case.operation):
        return check_pagination(case.query or {}, (response.headers.get("x-pagination") or [None])[0], response.json())
    return None


def _describe(case, problem: str) -> str:
    body = case.body if len(repr(case.body)) < 300 else "…"
    return (f"{case.operation.label} path={case.path_parameters} query={case.query} body={body!r}: {problem}")[:1200]
