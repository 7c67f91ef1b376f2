"""Regenerate the README's screenshots from the demo city: each role's home at 1280 px wide (the top
of the page — its worklist, figures and first chart) and the residents' report page on a 390×844
phone, in Chinese, with Debian's Chromium (never a downloaded one).

    .venv/bin/python docs/screenshots/make.py            # from the checkout's root

It prepares a demo city in a temporary folder exactly as the browser tests do (tests/browser/live.py:
`pm-app demo --no-serve`, the sweeps, one unanswered report) and serves it on a free port; nothing
in instance/ is touched. PM_APP_CHROMIUM names another Chromium."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))  # the checkout, for pm_app and tests.browser.live

from playwright.sync_api import sync_playwright  # noqa: E402
from sqlalchemy import select  # noqa: E402

from pm_app.extensions import db  # noqa: E402
from pm_app.org.demo import DEMO_PASSWORD  # noqa: E402
from pm_app.org.models import Compound  # noqa: E402
from tests.browser import live  # noqa: E402

CHROMIUM = os.environ.get("PM_APP_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
DESKTOP = {"width": 1280, "height": 960}
PHONE = {"width": 390, "height": 844}
# file name → demo account; the order the README shows them in
HOMES = {
    "street": "street",
    "firm": "firm",
    "contractor": "contractor",
    "committee": "committee",
    "regulator": "regulator",
    "admin": "admin",
}


def sign_in(page, username: str) -> None:
    page.context.clear_cookies()
    page.goto("/login")
    page.fill('input[name="username"]', username)
    page.fill('input[name="password"]', DEMO_PASSWORD)
    page.click('form button[type="submit"]')
    page.wait_for_url(lambda url: url.rstrip("/").count("/") == 2)  # the home, "http://host:port/"


def drawn(page) -> None:
    """Wait for every chart on the page to be drawn by plotly before the picture is taken."""
    page.wait_for_function("""Array.from(document.querySelectorAll('figure.chart-box'))
                              .every(box => box.querySelector('svg.main-svg') !== null)""")


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="pm-screens-") as folder, sync_playwright() as playwright:
        server = live.start(Path(folder))
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--lang=zh-CN"])
        try:
            # zh-CN: the browser's own widgets (date fields, file buttons) in Chinese too.
            desk = browser.new_context(base_url=server.url, viewport=DESKTOP, locale="zh-CN")
            page = desk.new_page()
            for name, username in HOMES.items():
                sign_in(page, username)
                drawn(page)
                page.screenshot(path=HERE / f"home-{name}.png")
                print(f"home-{name}.png")
            phone = browser.new_context(
                base_url=server.url,
                viewport=PHONE,
                locale="zh-CN",
                is_mobile=True,
                has_touch=True,
                device_scale_factor=1,
            )
            page = phone.new_page()
            with server.app.app_context():  # the page a notice board's QR code opens, for the first compound
                code = db.session.scalar(select(Compound.code).order_by(Compound.code).limit(1))
            page.goto(f"/c/{code}")
            page.screenshot(path=HERE / "public-report-phone.png", full_page=True)
            print("public-report-phone.png")
        finally:
            browser.close()
            server.stop()
    total = sum(path.stat().st_size for path in HERE.glob("*.png"))
    print(f"{total / 1024:.0f} KB in {HERE}")


if __name__ == "__main__":
    main()
