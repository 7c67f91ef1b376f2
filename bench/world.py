"""The world the fault, replay and load runs share: a private PostgreSQL cluster and Redis with
the demo city seeded once into a template database (each scenario gets a copy in a second),
an HTTP client, a webhook sink that records what it receives, and RQ worker processes."""

from __future__ import annotations

import http.client
import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlparse

import psycopg
from services import ROOT, OwnPostgres, OwnRedis, app_env, prepare_demo

TEMPLATE = "demo_template"


class World:
    def __init__(self, keep_redis_port: int | None = None):
        self.pg = OwnPostgres()
        self.redis = OwnRedis(keep_redis_port)
        self.dir = Path(tempfile.mkdtemp(prefix="pm-bench-world-"))

    def __enter__(self) -> World:
        started = time.perf_counter()
        self.pg.start()
        self.redis.start()
        self.pg.createdb(TEMPLATE)
        prepare_demo(self.pg.url(TEMPLATE), None, self.dir / "seed")
        print(
            f"[world] PostgreSQL :{self.pg.port}, Redis :{self.redis.port}, demo city seeded in "
            f"{time.perf_counter() - started:.0f} s",
            flush=True,
        )
        return self

    def __exit__(self, *exc) -> None:
        self.redis.close()
        self.pg.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def clone(self, name: str) -> str:
        """A copy of the seeded demo city (CREATE DATABASE … TEMPLATE: a file copy, seconds)."""
        self.pg.psql("postgres", f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
        return self.pg.url(name)

    def instance(self, name: str) -> Path:
        path = self.dir / name
        path.mkdir(parents=True, exist_ok=True)
        return path


def query(url: str, sql: str, params=()) -> list[tuple]:
    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute(sql, params or None).fetchall()  # no params: a % in LIKE is a %


# --- HTTP -------------------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    body: dict | list | None
    seconds: float
    error: str | None = None
    headers: dict = field(default_factory=dict)


def call(
    base: str, method: str, path: str, token: str | None = None, body=None, headers=None, timeout: float = 30
) -> Answer:
    """One request on a fresh connection; a connection failure is status 0 with its error."""
    parsed = urlparse(base)
    sent = dict(headers or {})
    if token:
        sent["Authorization"] = f"Bearer {token}"
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        sent["Content-Type"] = "application/json"
    started = time.perf_counter()
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=timeout)
    try:
        conn.request(method, path, body=data, headers=sent)
        response = conn.getresponse()
        raw = response.read()
        try:
            payload = json.loads(raw) if raw and "json" in (response.getheader("Content-Type") or "") else None
        except ValueError:
            payload = None
        return Answer(response.status, payload, time.perf_counter() - started, headers=dict(response.getheaders()))
    except (OSError, http.client.HTTPException) as exc:
        return Answer(0, None, time.perf_counter() - started, f"{type(exc).__name__}: {exc}")
    finally:
        conn.close()


def token(base: str, username: str, password: str = "demo1234") -> str:
    answer = call(base, "POST", "/api/v1/auth/token", body={"username": username, "password": password})
    if answer.status != 200:
        raise RuntimeError(f"no token for {username}: {answer.status} {answer.body}")
    return answer.body["token"]


# --- the webhook sink -------------------------------------------------------------------------


class Sink:
    """A webhook receiver recording each X-Changxiao-Delivery id with the time it arrived."""

    def __init__(self, delay: float = 0.0):
        self.received: list[tuple[int, float]] = []
        self.lock = threading.Lock()
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if delay:
                    time.sleep(delay)  # the network and the receiver take a moment
                with sink.lock:
                    sink.received.append((int(self.headers["X-Changxiao-Delivery"]), time.time()))
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"errcode": 0}')

            def log_message(self, *args):
                pass

        class Server(ThreadingHTTPServer):
            def handle_error(self, request, client_address):
                pass  # a worker killed mid-send hangs up on us: that is the point

        self.server = Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def ids(self) -> list[int]:
        with self.lock:
            return [i for i, _ in self.received]

    def close(self) -> None:
        self.server.shutdown()


def add_webhooks(url: str, sink_url: str) -> int:
    """A webhook endpoint for every street office, property firm and the regulator."""
    rows = [("street", i) for (i,) in query(url, "SELECT id FROM street")]
    rows += [("firm", i) for (i,) in query(url, "SELECT DISTINCT firm_id FROM service_contract")]
    rows += [("regulator", 0)]
    with psycopg.connect(url, autocommit=True) as conn:
        for audience, org_id in rows:
            conn.execute(
                "INSERT INTO notification_endpoint (audience, org_id, channel, target, format, active) "
                "VALUES (%s, %s, 'webhook', %s, 'json', true)",
                (audience, org_id, sink_url),
            )
    return len(rows)


# --- jobs -------------------------------------------------------------------------------------


def pm_app(
    *args: str, database_url: str, redis_url: str | None, instance: Path, log: Path | None = None, **env
) -> subprocess.Popen:
    """`pm-app <args>` of this checkout, as a child process."""
    out = log.open("ab") if log else subprocess.DEVNULL
    return subprocess.Popen(
        [sys.executable, "-c", "from pm_app.cli import cli; cli()", *args],
        cwd=ROOT,
        env=app_env(
            DATABASE_URL=database_url, REDIS_URL=redis_url, PM_APP_INSTANCE=instance, SECRET_KEY="bench-secret", **env
        ),
        stdout=out,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def wait_until(check, timeout: float, step: float = 0.5) -> float | None:
    """Seconds until check() held, or None after timeout."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if check():
            return time.monotonic() - started
        time.sleep(step)
    return None


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def write_json(path: str | None, data: dict) -> None:
    if path:
        Path(path).write_text(json.dumps(data, indent=2, default=str))
        print(f"wrote {path}")


class Browser:
    """A signed-in page session (cookie and CSRF token, as a browser holds them)."""

    def __init__(self, base: str, username: str, password: str = "demo1234"):
        import http.cookiejar
        import re
        import urllib.request

        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        page = self.opener.open(base + "/login", timeout=30).read().decode()
        csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        form = f"username={username}&password={password}&csrf_token={csrf}".encode()
        self.opener.open(base + "/login", data=form, timeout=30).read()

    def get(self, path: str, timeout: float = 30) -> Answer:
        import urllib.error

        started = time.perf_counter()
        try:
            with self.opener.open(self.base + path, timeout=timeout) as response:
                response.read()
                return Answer(response.status, None, time.perf_counter() - started)
        except urllib.error.HTTPError as exc:
            return Answer(exc.code, None, time.perf_counter() - started)
        except (OSError, http.client.HTTPException) as exc:
            return Answer(0, None, time.perf_counter() - started, f"{type(exc).__name__}: {exc}")
