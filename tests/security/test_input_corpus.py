"""A small corpus of hostile inputs (NUL and control bytes, digits of other scripts and widths,
numbers and dates past any range, exponents, line breaks) sent to every registered route, as a
signed-in administrator and anonymously, in every place the route reads: its path, its query
(the parameters the OpenAPI description lists, or the pages' common ones), its JSON body (every
property of the request schema at once) or its form (every field name of every page form).

The claim: no answer is a 5xx. What each input should give (the one spelling, or a 4xx naming
the field) is pinned by tests/security/test_input_findings.py and tests/common/test_inputs.py.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import pytest
from flask_wtf import FlaskForm

from pm_app.extensions import db
from tests.security.conftest import login
from tests.security.routes import FIXED_ARGS, MISSING, OBJECT_ARGS

CORPUS = [
    "\x00",
    "A\x00B",
    "\x1b[0m",
    "²",
    "١٢",
    "２０２６-11",
    "2026Q4\n",
    "100000000000000000000",
    "-1",
    "1e500000",
    "1_0",
    "0001-01-01",
    "9999-12-31",
    "9999-12-31T23:59:59+14:00",
    "",
    "\u202e\u2028",
]
# Query parameters of the pages (the API's come from its OpenAPI description).
PAGE_QUERY = (
    "page",
    "period",
    "period_from",
    "period_to",
    "as_of",
    "month",
    "status",
    "within",
    "sort",
    "q",
    "compound_id",
    "street_id",
    "min_periods",
    "since",
    "until",
    "actor",
    "next",
    "lang",
    "rule",
    "state",
    "category",
    "source",
    "created_from",
    "created_to",
    "open",
    "firm_id",
)
# Acting on the caller's own session would end the walk; tests/security/test_sessions.py has them.
SKIP = {"auth.logout", "admin.end_sessions", "admin.set_active", "static"}
WRITES = ("POST", "PATCH", "PUT", "DELETE")


def _form_fields() -> list[str]:
    import pm_app.setup  # noqa: F401  (every domain's forms are imported by the blueprints)

    names: set[str] = set()
    stack = list(FlaskForm.__subclasses__())
    while stack:
        form = stack.pop()
        stack.extend(form.__subclasses__())
        names.update(name for name in dir(form) if hasattr(getattr(form, name), "field_class"))
    return sorted(names - {"csrf_token"})


def _openapi(app) -> dict:
    with app.test_client() as client:
        return client.get("/api/v1/openapi.json").json


def _resolve(spec: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _operation(spec, rule, method) -> dict:
    path = rule.rule
    for arg in rule.arguments:
        path = path.replace(f"<int:{arg}>", f"{{{arg}}}").replace(f"<{arg}>", f"{{{arg}}}")
        path = path.split("<any(")[0] if "<any(" in path else path
    for candidate, operations in spec["paths"].items():
        if candidate == path:
            return operations.get(method.lower(), {})
    return {}


def _query_names(spec, operation) -> list[str]:
    return [p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"]


def _body_names(spec, operation) -> tuple[str, list[str]]:
    content = operation.get("requestBody", {}).get("content", {})
    for kind in ("application/json", "multipart/form-data"):
        if kind in content:
            return kind, sorted(_resolve(spec, content[kind]["schema"]).get("properties", {}))
    return "", []


class Corpus:
    def __init__(self, app, api, world):
        self.app, self.api, self.world = app, api, world
        self.spec = _openapi(app)
        self.form_fields = _form_fields()
        self.failures: list[str] = []
        self.counts = Counter()
        self.page_clients = {}
        for role in ("admin", "anonymous"):  # signed in before the walk sends its hostile sign-ins
            self.page_client(role)

    def page_client(self, role):
        if role not in self.page_clients:
            client = self.app.test_client()
            if role != "anonymous":
                assert login(client, self.world.city.users[role]).status_code == 302
            self.page_clients[role] = client
        return self.page_clients[role]

    def url(self, rule, bad_arg: str | None = None, value: str = "") -> str:
        values = {}
        for arg in rule.arguments:
            if arg == bad_arg:
                values[arg] = value
            elif arg in FIXED_ARGS:
                values[arg] = FIXED_ARGS[arg]
            else:  # an argument the world has no object for (yet): a missing one, still a path to walk
                values[arg] = self.world.ids.get(OBJECT_ARGS.get(arg), {}).get("own", MISSING[int])
        return rule.build(values, append_unknown=False)[1]

    def send(self, role, rule, method, url, *, json_body=None, form=None, query=None):
        full = url + ("?" + "&".join(f"{quote(k)}={quote(v, safe='')}" for k, v in query.items()) if query else "")
        if rule.rule.startswith("/api/"):
            caller = self.api if role == "anonymous" else self.api.as_(self.world.city.users[role])
            kwargs = {}
            if json_body is not None:
                kwargs["json"] = json_body
            elif form is not None:
                kwargs.update(data=form, content_type="multipart/form-data")
            response = caller.request(method, full, **kwargs)
        else:
            response = self.page_client(role).open(full, method=method, data=form or {})
        response.get_data()
        response.close()
        self.counts["requests"] += 1
        if response.status_code >= 500:
            self.failures.append(
                f"{role:9} {method:6} {full[:160]!r}: {response.status_code} (body {str(json_body or form)[:120]!r})"
            )
        return response


def _walk_route(corpus: Corpus, role: str, rule, method: str) -> None:
    operation = _operation(corpus.spec, rule, method) if rule.rule.startswith("/api/") else {}
    string_args = [
        a for a in rule.arguments if a not in FIXED_ARGS and "int:" not in str(rule) or a in ("code", "tracking_code")
    ]
    for value in CORPUS:
        for arg in string_args:  # the value in the path itself (codes, tracking codes)
            if value and "/" not in value:
                corpus.send(role, rule, method, corpus.url(rule, arg, value))
        url = corpus.url(rule)
        if method == "GET":
            names = _query_names(corpus.spec, operation) if operation else list(PAGE_QUERY)
            corpus.send(role, rule, method, url, query={name: value for name in names} or {"x": value})
            continue
        kind, names = _body_names(corpus.spec, operation)
        if kind == "application/json":
            corpus.send(role, rule, method, url, json_body={name: value for name in names})
        elif kind:
            corpus.send(role, rule, method, url, form={name: value for name in names})
        elif not rule.rule.startswith("/api/"):
            corpus.send(role, rule, method, url, form={name: value for name in corpus.form_fields})
        else:
            corpus.send(role, rule, method, url, json_body={})


@pytest.mark.parametrize("role", ["admin", "anonymous"])
def test_no_route_answers_a_hostile_input_with_a_server_error(app, api, world, role, capsys):
    db.session.commit()  # the world stays whatever a refused request rolls back
    corpus = Corpus(app, api, world)
    rules = [r for r in app.url_map.iter_rules() if r.endpoint not in SKIP]
    for rule in rules:
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            _walk_route(corpus, role, rule, method)
    corpus.counts["routes"] = len(rules)
    Path(app.config["INSTANCE_DIR"], f"input_corpus_{role}.json").write_text(json.dumps(corpus.counts, indent=1))
    with capsys.disabled():
        print(f"\ninput corpus as {role}:", dict(corpus.counts), f"server errors: {len(corpus.failures)}")
    assert corpus.failures == [], "\n" + "\n".join(corpus.failures)
