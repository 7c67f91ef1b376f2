"""Issue 27's crawler: each demo role (and the public, signed out) walks every page reachable from
its navigation and pages, breadth first from its home, in Chinese, and every page must answer
below 400, log no console or page error, carry an <h1>, label every form field, and show no
English word outside a short allow-list, no raw enum code and no UTC time (no UTC/Z/+00:00
stamp, and each ticket page's report time equal to the database's on the Asia/Shanghai clock).
Latin letters the users type themselves are not English: usernames and tracking codes, column
names on import pages, and what a page marks as typed text (<code>, <kbd>, <samp>).

Each route pattern (/compounds/123 and /compounds/7 are one: /compounds/<id>) is visited at most
PER_PATTERN times, so each detail page type is seen without walking every compound; exports,
downloads and the language switch are skipped. The counts (pages per role, strings checked) go
to stdout and to crawl.json in the artefacts folder."""

from __future__ import annotations

import enum
import importlib
import json
import pkgutil
import re
import time
from collections import deque
from datetime import timezone
from urllib.parse import urljoin, urlparse

import pytest

import pm_app
from pm_app.alerts.rules import RULES
from pm_app.auth.models import User
from pm_app.common.clock import CITY_TZ
from pm_app.extensions import db
from pm_app.fees.import_columns import FIELDS as bill_fields
from pm_app.org.import_columns import FIELDS as household_fields
from pm_app.org.models import Compound
from pm_app.tickets.models import Ticket
from pm_app.warranties.import_columns import FIELDS as item_fields
from tests.browser.test_homes import sign_in

pytestmark = pytest.mark.browser

ROLES = ["admin", "regulator", "street", "firm", "contractor", "committee", None]  # None: the public
MAX_PAGES = 120  # per role: the demo city's navigation is about 30–60 patterns deep
PER_PATTERN = 2  # a detail page type twice (two different objects), a list once per query variant
SKIP = re.compile(
    r"/logout|/export|\.(csv|xlsx|pdf|svg|png|jpg|zip)$|/download|/files?/|/photos?/|/documents?/"
    r"|/static/|/api/|/assets/|/metrics|/healthz|/readyz"
)

# English a Chinese page may show: product and format names users know by them, units, and what
# users type themselves. Anything else in Latin letters must be translated.
ALLOWED_ENGLISH = {
    "CSV",
    "Excel",
    "XLSX",
    "PDF",
    "PNG",
    "JPEG",
    "WebP",
    "DWG",  # file formats users pick files by
    "API",
    "URL",
    "POS",
    "Redis",  # names of things staff handle (the card terminal is a POS机)
    "WeCom",
    "DingTalk",  # brand names of the notification channels
    "JSON",
    "Webhook",  # what a notification endpoint is, in the words of WeCom's and DingTalk's own Chinese setup
    "AAA",  # the top grade of the rankings, read as letters in Chinese too
}

# The column names of the import files, which users type in their header row (pages .../import).
IMPORT_COLUMNS = {
    word for fields in (household_fields, bill_fields, item_fields) for name in fields for word in name.split("_")
}

# (role, route pattern, check) → why it is still open: pages another engineer is reworking now.
# A gap that no longer fails is reported (stdout, crawl.json) so that it is taken off the list.
KNOWN_GAPS: dict[tuple[str, str, str], str] = {}

COUNTS: dict[str, dict] = {}

PAGE_FACTS = """(() => {
  document.querySelectorAll('details').forEach(d => { d.open = true; });  // what one click shows
  const parts = Array.from(document.querySelectorAll('header nav, main'), e => e.innerText);
  // What users type verbatim (usernames, column names of an import file) is marked <code>/<kbd>.
  const typed = Array.from(document.querySelectorAll('main code, main kbd, main samp'), e => e.innerText);
  const attrs = Array.from(document.querySelectorAll('main [placeholder], main [title], main [aria-label], header nav [aria-label]'),
      e => [e.getAttribute('placeholder'), e.getAttribute('title'), e.getAttribute('aria-label')].filter(Boolean).join('\\n'));
  const fields = Array.from(document.querySelectorAll('input, select, textarea'))
      .filter(e => !['hidden', 'submit', 'button', 'reset', 'image'].includes(e.type))
      .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.getAttribute('aria-labelledby'))
      .map(e => e.tagName.toLowerCase() + '[name=' + (e.name || e.id || '?') + ']');
  const links = Array.from(document.querySelectorAll('header nav a[href], header .tools a[href], main a[href]'))
      .filter(a => !a.hasAttribute('hreflang') && !a.hasAttribute('download')).map(a => a.href);
  return {text: parts.concat(attrs).join('\\n'), title: document.title, h1: document.querySelectorAll('h1').length,
          unlabelled: fields, links: links, typed: typed};
})()"""


def enum_codes() -> set[str]:
    """Every enum value of pm_app's models and every alert rule's name: none may reach a page raw."""
    for module in pkgutil.walk_packages(pm_app.__path__, "pm_app."):
        if module.name.endswith((".models", "_models")):
            importlib.import_module(module.name)
    codes, pending = set(RULES), list(enum.Enum.__subclasses__())
    while pending:
        kind = pending.pop()
        pending.extend(kind.__subclasses__())
        if kind.__module__.startswith("pm_app."):
            codes.update(str(member.value) for member in kind)
    return {code for code in codes if len(code) > 2}  # `in`/`out` are English words, caught as such


def pattern(path: str) -> str:
    """/compounds/123/accounts → /compounds/<id>/accounts; a tracking or compound code too."""
    return "/".join("<id>" if re.search(r"\d", part) else part for part in path.split("/"))


CODE = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+|https?://\S+|\b[\w-]*\d[\w-]*\b|\b[A-Z]{2,}-[\w-]+\b")
WORD = re.compile(r"[A-Za-z][A-Za-z²³]{2,}")
UTC = re.compile(r"\bUTC\b|\bGMT\b|[+-]00:?00\b|\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z\b|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def english(text: str, allowed: set[str]) -> list[str]:
    """Latin words of three letters or more, once codes, e-mails, addresses and numbers are out."""
    return sorted({w for w in WORD.findall(CODE.sub(" ", text)) if w not in allowed})


def raw_codes(text: str, codes: set[str]) -> list[str]:
    return sorted(c for c in codes if re.search(rf"(?<![\w-]){re.escape(c)}(?![\w-])", text))


def seeds(server, role: str | None) -> list[str]:
    if role:
        return ["/"]
    with server.app.app_context():
        compound = db.session.scalars(db.select(Compound.code).order_by(Compound.id)).first()
        ticket = db.session.scalars(db.select(Ticket.tracking_code).order_by(Ticket.id)).first()
    return ["/login", "/rankings/public", "/track", f"/c/{compound}", f"/track/{ticket}"]


def reported(server, ticket_id: str) -> str:
    with server.app.app_context():
        moment = db.session.get(Ticket, int(ticket_id)).reported_at
    return (
        (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc))
        .astimezone(CITY_TZ)
        .strftime("%Y-%m-%d %H:%M")
    )


def crawl(tab, server, role: str | None, codes: set[str], allowed: set[str]) -> tuple[list, dict]:
    page, origin = tab.page, server.url
    queue = deque(urljoin(origin, s) for s in seeds(server, role))
    seen_urls, per_pattern, failures = set(queue), {}, []
    stats = {"pages": 0, "patterns": 0, "strings": 0, "clock_checks": 0}
    while queue and stats["pages"] < MAX_PAGES:
        url = queue.popleft()
        parts = urlparse(url)
        key = pattern(parts.path)
        if per_pattern.get(key, 0) >= PER_PATTERN:
            continue
        per_pattern[key] = per_pattern.get(key, 0) + 1
        tab.problems.clear()
        response = page.goto(url)
        stats["pages"] += 1
        found = []
        if response is None or response.status >= 400:
            found.append(("status", f"HTTP {response.status if response else '?'}"))
        if "text/html" not in (response.headers.get("content-type", "") if response else ""):
            failures += [(role or "public", key, url, c, d) for c, d in found]
            continue
        facts = page.evaluate(PAGE_FACTS)
        text = facts["text"] + "\n" + facts["title"]
        stats["strings"] += sum(1 for line in text.splitlines() if line.strip())
        words = text
        for typed in sorted(facts["typed"], key=len, reverse=True):
            words = words.replace(typed, " ") if typed.strip() else words
        if facts["h1"] < 1:
            found.append(("heading", "no <h1>"))
        if facts["unlabelled"]:
            found.append(("labels", ", ".join(facts["unlabelled"])))
        if tab.problems:
            found.append(("console", " | ".join(tab.problems)[:400]))
        if words := english(words, allowed | IMPORT_COLUMNS if key.endswith("/import") else allowed):
            found.append(("english", " ".join(words)))
        if raw := raw_codes(text, codes):
            found.append(("enum", " ".join(raw)))
        if times := sorted({m.group(0) for m in UTC.finditer(text)}):
            found.append(("utc", " ".join(times)))
        if ticket := re.fullmatch(r"/tickets/(\d+)", parts.path):  # a time the database knows, on the city's clock
            stats["clock_checks"] += 1
            shown, expected = page.locator('[data-field="reported_at"]').first.inner_text(), reported(server, ticket[1])
            if expected not in shown:
                found.append(("utc", f"reported {shown!r}, in Asia/Shanghai {expected}"))
        failures += [(role or "public", key, url, c, d) for c, d in found]
        for link in facts["links"]:
            link = link.split("#")[0]
            target = urlparse(link)
            if (
                link.startswith(origin)
                and link not in seen_urls
                and not SKIP.search(target.path)
                and "lang=" not in target.query
            ):
                seen_urls.add(link)
                if per_pattern.get(pattern(target.path), 0) < PER_PATTERN:
                    queue.append(link)
    stats["patterns"] = len(per_pattern)
    return failures, stats


@pytest.fixture(scope="module")
def vocabulary(server):
    """The enum codes, and the Latin letters that are the users' own data: usernames, tracking codes."""
    with server.app.app_context():
        names = set(db.session.scalars(db.select(User.username)).all())
        codes = set(db.session.scalars(db.select(Ticket.tracking_code)).all())  # as residents read them
    return enum_codes() - names, ALLOWED_ENGLISH | names | codes


@pytest.fixture(scope="module", autouse=True)
def report(artefacts):
    yield
    if COUNTS:
        total = {
            "roles": len(COUNTS),
            "pages": sum(c["pages"] for c in COUNTS.values()),
            "strings": sum(c["strings"] for c in COUNTS.values()),
            "clock_checks": sum(c["clock_checks"] for c in COUNTS.values()),
        }
        (artefacts / "crawl.json").write_text(json.dumps({"total": total, "roles": COUNTS}, indent=2))
        print(
            f"\ncrawl: {total['pages']} pages over {total['roles']} roles, {total['strings']} strings checked, "
            f"{total['clock_checks']} ticket times compared with the database's on the city's clock"
        )
        for role, c in COUNTS.items():
            print(
                f"  {role:<11}{c['pages']:>4} pages {c['patterns']:>4} patterns {c['strings']:>6} strings {c['seconds']:>5.0f} s"
            )


@pytest.mark.parametrize("role", ROLES, ids=[r or "public" for r in ROLES])
def test_every_reachable_page_is_chinese_labelled_and_quiet(tab, server, vocabulary, role):
    codes, allowed = vocabulary
    started = time.monotonic()
    if role:
        sign_in(tab.page, role)
    failures, stats = crawl(tab, server, role, codes, allowed)
    who = role or "public"
    gaps = {(r, p, c) for (r, p, c) in KNOWN_GAPS if r == who}
    open_ = [f for f in failures if (who, f[1], f[3]) not in gaps]
    known = [f for f in failures if (who, f[1], f[3]) in gaps]
    stale = sorted(gaps - {(who, f[1], f[3]) for f in failures})
    COUNTS[who] = {
        **stats,
        "seconds": round(time.monotonic() - started, 1),
        "problems": len(open_),
        "known_gaps": len(known),
        "gaps_now_passing": [list(g) for g in stale],
    }
    if stale:
        print(f"\n{who}: known gaps that no longer fail, take them off KNOWN_GAPS: {stale}")
    report_ = "\n".join(f"{p} ({url}) {check}: {detail}" for _, p, url, check, detail in open_)
    assert not open_, f"{len(open_)} problems on {who}'s pages:\n{report_}"
