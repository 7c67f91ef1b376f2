"""Behind the reverse proxy (TRUSTED_PROXY_COUNT hops) the client's own address and scheme count:
per-address limits stay per resident, HTTPS answers carry HSTS and Secure cookies. Not behind one
(0, the default) the forwarding headers are ignored, since anyone can send them. The QR poster
prints PUBLIC_BASE_URL, never the request's Host."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from pm_app import create_app
from pm_app.config import TestConfig
from tests.security.conftest import PASSWORD, _fresh_limits, city  # noqa: F401  (fixtures)

PROXY = {"REMOTE_ADDR": "10.1.2.3"}  # every request reaches the app from the proxy's address


@pytest.fixture(params=[0, 1], ids=["direct", "behind-proxy"])
def deployment(request, app, tmp_path):
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
        INSTANCE_DIR = tmp_path
        TRUSTED_PROXY_COUNT = request.param

    built = create_app(Config)
    with built.app_context():
        yield built


def report(client, resident: str):
    return client.post(
        "/c/GL-0001",
        environ_base=PROXY,
        headers={"X-Forwarded-For": resident},
        data={
            "what": "water",
            "priority": "normal",
            "description": "楼道顶上漏水",
            "building": "1号楼",
            "location": "3单元门口",
            "reporter_name": "张三",
            "reporter_phone": "13812345678",
        },
    ).status_code


def test_public_report_limits_are_per_resident_behind_the_proxy(deployment, city, monkeypatch):  # noqa: F811
    monkeypatch.setitem(deployment.config, "PUBLIC_REPORT_LIMIT", "2 per hour")
    client = deployment.test_client()
    assert [report(client, "198.51.100.1") for _ in range(2)] == [302, 302]
    assert report(client, "198.51.100.1") == 429
    other_resident = report(client, "198.51.100.2")
    if deployment.config["TRUSTED_PROXY_COUNT"]:
        assert other_resident == 302  # their own count: the city is not one address
    else:
        assert other_resident == 429  # the header is ignored: anyone could forge it


def test_a_forged_address_left_of_the_proxys_does_not_escape_the_limit(deployment, city, monkeypatch):  # noqa: F811
    """nginx appends the address it saw: only the rightmost hop is trusted."""
    monkeypatch.setitem(deployment.config, "PUBLIC_REPORT_LIMIT", "2 per hour")
    client = deployment.test_client()
    codes = [report(client, f"192.0.2.{n}, 198.51.100.1") for n in range(3)]
    assert codes == [302, 302, 429]


def test_sign_in_limits_count_the_client_behind_the_proxy(deployment, city):  # noqa: F811
    client = deployment.test_client()
    admin = city.users["admin"].username

    def sign_in(password, address):
        return client.post(
            "/login",
            environ_base=PROXY,
            headers={"X-Forwarded-For": address},
            data={"username": admin, "password": password},
        ).status_code

    assert [sign_in("wrong-password", "203.0.113.9") for _ in range(5)] == [200] * 5
    expected = 302 if deployment.config["TRUSTED_PROXY_COUNT"] else 429
    assert sign_in(PASSWORD, "198.51.100.7") == expected


def test_hsts_and_secure_cookies_only_over_https(deployment, city):  # noqa: F811
    client = deployment.test_client()
    admin = city.users["admin"]
    forwarded_https = client.post(
        "/login",
        environ_base=PROXY,
        headers={"X-Forwarded-Proto": "https"},
        data={"username": admin.username, "password": PASSWORD},
    )
    plain = deployment.test_client().post(
        "/login", environ_base=PROXY, data={"username": admin.username, "password": PASSWORD}
    )
    direct_https = deployment.test_client().get("/login", base_url="https://localhost")
    assert "Strict-Transport-Security" not in plain.headers
    assert "Secure" not in plain.headers["Set-Cookie"]
    assert direct_https.headers["Strict-Transport-Security"].startswith("max-age=")
    if deployment.config["TRUSTED_PROXY_COUNT"]:
        assert forwarded_https.headers["Strict-Transport-Security"] == "max-age=15552000; includeSubDomains"
        assert "; Secure" in forwarded_https.headers["Set-Cookie"]
    else:
        assert "Strict-Transport-Security" not in forwarded_https.headers
        assert "Secure" not in forwarded_https.headers["Set-Cookie"]


def test_the_qr_poster_prints_the_public_base_url_whatever_the_host(app, client, city, monkeypatch):  # noqa: F811
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://baoxiu.example.gov.cn")
    client.post("/login", data={"username": city.users["admin"].username, "password": PASSWORD})
    poster = client.get("/c/GL-0001/poster", headers={"Host": "evil.example"}).get_data(as_text=True)
    assert "https://baoxiu.example.gov.cn/c/GL-0001" in poster and "evil.example" not in poster


def _config_in_a_fresh_process(**env) -> str:
    code = "from pm_app.config import Config; print(Config.PUBLIC_BASE_URL, Config.TRUSTED_PROXY_COUNT)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env={**os.environ, **env}, timeout=60
    )
    return result.stdout.strip() + result.stderr.strip().splitlines()[-1:].__str__()


def test_the_deployment_settings_come_from_the_environment():
    out = _config_in_a_fresh_process(PUBLIC_BASE_URL="https://baoxiu.example.gov.cn/", PM_APP_TRUSTED_PROXY_COUNT="1")
    assert out.startswith("https://baoxiu.example.gov.cn 1")


@pytest.mark.parametrize(
    "name, value",
    [
        ("PUBLIC_BASE_URL", "baoxiu.example.gov.cn"),
        ("PUBLIC_BASE_URL", "https://x.example/?next=1"),
        ("PM_APP_TRUSTED_PROXY_COUNT", "-1"),
        ("PM_APP_TRUSTED_PROXY_COUNT", "１"),
    ],
)
def test_a_wrong_deployment_setting_stops_the_start(name, value):
    out = _config_in_a_fresh_process(**{name: value})
    assert "RuntimeError" in out and name in out
