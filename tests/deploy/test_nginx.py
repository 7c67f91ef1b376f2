"""The shipped nginx site in front of gunicorn, on the loopback, as deploy/README.md installs it:
the client's address reaches the app through X-Forwarded-For (and a forged one does not), a 15 MB
upload gets through to the app (nginx's default would refuse anything over 1 MB), and static
files are served by nginx itself.

Debian's nginx is needed (`apt-get install nginx-light`); without it the test skips, except in
CI (or PM_APP_REQUIRE_DEPLOY=1), where it fails. It serves its own SQLite database whatever the
suite's, so it runs in the SQLite pass only (PM_APP_REQUIRE_DEPLOY=1 runs it in the other too). The site file is used as shipped, with only its
addresses, paths and TLS replaced for a test on unprivileged ports.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pm_app.config import TestConfig

ROOT = Path(__file__).resolve().parents[2]
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
CLIENT = "127.0.0.7"  # the "office PC": a loopback address of its own, so the app can tell it apart


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"nothing listens on {port} after {seconds} s")


def site_for_test(app_port: int, web_port: int) -> str:
    """deploy/nginx/changxiao.conf with its TLS server turned into a plain one on `web_port`."""
    site = (ROOT / "deploy/nginx/changxiao.conf").read_text()
    site = re.sub(r"server \{\n    listen 80;.*?\n\}\n", "", site, count=1, flags=re.S)  # the redirect to TLS
    site = site.replace("127.0.0.1:8000", f"127.0.0.1:{app_port}")
    site = re.sub(
        r"    listen 443 ssl;\n    listen \[::\]:443 ssl;\n    http2 on;\n",
        f"    listen 127.0.0.1:{web_port};\n    listen {CLIENT}:{web_port};\n",
        site,
    )
    site = re.sub(r"    ssl_[^\n]*\n", "", site)
    site = site.replace("/opt/changxiao/pm_app/static/", f"{ROOT}/pm_app/static/")
    return site


@pytest.fixture(scope="module")
def behind_nginx(tmp_path_factory):
    required = os.environ.get("PM_APP_REQUIRE_DEPLOY") == "1"
    if (TestConfig.SQLALCHEMY_DATABASE_URI or "").startswith("postgresql") and not required:
        pytest.skip("the deployment test runs in the SQLite pass")
    if not os.path.exists(NGINX):
        if required or os.environ.get("CI"):
            pytest.fail("nginx is not installed (apt-get install nginx-light)")
        pytest.skip("nginx is not installed (apt-get install nginx-light)")
    work = tmp_path_factory.mktemp("deploy")
    app_port, web_port = _free_port(), _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{work}/pm.db",
        "PM_APP_INSTANCE": str(work),
        "PM_APP_TRUSTED_PROXY_COUNT": "1",
        "SECRET_KEY": "deploy-test",
        "PM_APP_MAX_UPLOAD_MB": "20",
        "PM_APP_BIND": f"127.0.0.1:{app_port}",
        "PM_APP_WEB_WORKERS": "2",
    }
    for name in ("REDIS_URL", "TEST_DATABASE_URL", "TEST_REDIS_URL", "FLASK_APP"):
        env.pop(name, None)
    bin_dir = Path(sys.executable).parent
    subprocess.run([str(bin_dir / "pm-app"), "db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True)
    web = subprocess.Popen(
        [str(bin_dir / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), "pm_app:create_app()"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=open(work / "gunicorn.log", "w"),
    )
    (work / "changxiao-proxy.conf").write_text((ROOT / "deploy/nginx/changxiao-proxy.conf").read_text())
    site = site_for_test(app_port, web_port).replace(
        "/etc/nginx/changxiao-proxy.conf", str(work / "changxiao-proxy.conf")
    )
    # As root (CI) nginx's workers would drop to nobody and could not write their body buffers here.
    user = "user root;\n" if os.geteuid() == 0 else ""
    (work / "nginx.conf").write_text(
        f"{user}daemon off;\npid {work}/nginx.pid;\nerror_log {work}/error.log;\nevents {{}}\n"
        f"http {{\n  access_log {work}/access.log;\n  client_body_temp_path {work}/body;\n"
        f"  proxy_temp_path {work}/proxy;\n  types {{ text/css css; application/javascript js; image/svg+xml svg; }}\n"
        f"{site}\n}}\n"
    )
    proxy = subprocess.Popen(
        [NGINX, "-p", str(work), "-c", str(work / "nginx.conf")],
        stdout=subprocess.DEVNULL,
        stderr=open(work / "nginx.out", "w"),
    )
    try:
        _wait(app_port)
        _wait(web_port)
        yield {"port": web_port, "db": work / "pm.db", "work": work}
    finally:
        for process in (proxy, web):
            process.terminate()
            process.wait(timeout=30)


def _request(port: int, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
    connection = http.client.HTTPConnection(CLIENT, port, timeout=60, source_address=(CLIENT, 0))
    connection.request(method, path, body=body, headers=headers or {})
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response, data


def _last_login_ip(db: Path) -> str:
    with sqlite3.connect(db) as connection:
        return connection.execute(
            "SELECT ip FROM audit_event WHERE kind = 'login' ORDER BY id DESC LIMIT 1"
        ).fetchone()[0]


def test_the_clients_address_reaches_the_app_and_a_forged_one_does_not(behind_nginx):
    port = behind_nginx["port"]
    response, _ = _request(
        port,
        "POST",
        "/api/v1/auth/token",
        b'{"username": "nobody", "password": "wrong"}',
        {"Content-Type": "application/json"},
    )
    assert response.status == 401
    assert _last_login_ip(behind_nginx["db"]) == CLIENT  # not nginx's 127.0.0.1
    _request(
        port,
        "POST",
        "/api/v1/auth/token",
        b'{"username": "nobody", "password": "wrong"}',
        {"Content-Type": "application/json", "X-Forwarded-For": "203.0.113.9"},
    )
    assert _last_login_ip(behind_nginx["db"]) == CLIENT


def test_a_15_mb_upload_reaches_the_app(behind_nginx):
    body = b"x" * (15 * 1024 * 1024)
    response, data = _request(
        behind_nginx["port"], "POST", "/api/v1/imports/households", body, {"Content-Type": "application/octet-stream"}
    )
    assert response.status != 413, data[:300]
    assert response.getheader("Content-Type", "").startswith("application/json")  # the app's answer, not nginx's
    assert b'"code"' in data


def test_static_files_are_served_by_nginx(behind_nginx):
    response, data = _request(behind_nginx["port"], "GET", "/static/app.css")
    assert response.status == 200 and data == (ROOT / "pm_app/static/app.css").read_bytes()
    assert "max-age=604800" in (response.getheader("Cache-Control") or "")
    log = (behind_nginx["work"] / "access.log").read_text() if (behind_nginx["work"] / "access.log").exists() else ""
    assert "/static/app.css" not in log  # access_log off in the static location: nginx answered alone
