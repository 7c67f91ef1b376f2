"""Each role's daily journeys at the busiest hour, in the proportions of a city's working morning.

Weights (how many of the simulated people hold each role) follow who uses the product most: the
street offices' and firms' counter and ticket desks, then the committees, a few regulators, and
residents reporting repairs from the QR poster in their stairwell. Within a role, a task's weight
is how often a person does it. A journey is a few clicks with 5–15 s of thought between them.

Writes are real and acknowledged only when the product says so (201 for a payment with its
receipt, 200 for a ticket moved, a redirect to the tracking page for a report); WRITES keeps each
one for bench/peak_hour.py to find in the database afterwards, exactly once.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import uuid
from pathlib import Path
from urllib.parse import urlsplit

from locust import FastHttpUser, between, task
from plan import USER_AGENT
from requests.cookies import create_cookie

PLAN = json.loads(Path(os.environ["PEAK_PLAN"]).read_text())
RUN = os.environ.get("PEAK_RUN", "peak")
# One example of each read, with whose session it was made: bench/peak/costs.py replays them one
# at a time to weigh each in CPU.
EXAMPLES: dict[str, dict] = {}
WRITES: dict[str, list] = {
    "payments": [],
    "transitions": [],
    "reports": [],
    "tried_households": [],
    "tried_tickets": [],
}
NEXT_STATUS = {"new": "assigned", "assigned": "in_progress", "in_progress": "resolved"}
RETRY_SHARE = 0.1  # a cashier whose first answer got lost sends the same payment again
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _accounts(role: str):
    """Each new person of a role takes the next account of it: several people share an office's
    account as they share its session, and its work (households, tickets) is popped, never shared."""
    return itertools.cycle([a for a in PLAN["accounts"] if a["role"] == role])


_NEXT = {role: _accounts(role) for role in ("street_officer", "firm_staff", "committee_member", "regulator")}


def _months(period: str, back: int) -> str:
    year, month = map(int, period.split("-"))
    month -= back
    while month < 1:
        year, month = year - 1, month + 12
    return f"{year:04d}-{month:02d}"


PERIOD = PLAN["period"]
MONTHS = f"period_from={_months(PERIOD, 2)}&period_to={PERIOD}"


class Staff(FastHttpUser):
    abstract = True
    wait_time = between(5, 15)
    # The browser the session was signed in with: the app's session protection ties a session to it.
    default_headers = {"User-Agent": USER_AGENT}
    role = ""

    def on_start(self):
        self.account = next(_NEXT[self.role])
        for name, value in self.account["cookies"].items():
            self.client.cookiejar.set_cookie(create_cookie(name, value, domain=self.host.split("//")[1].split(":")[0]))
        self.auth = {"Authorization": f"Bearer {self.account['token']}"}

    def page(self, path: str, name: str):
        return self._get(path, name, {})

    def api(self, path: str, name: str):
        return self._get(path, name, self.auth)

    def _get(self, path: str, name: str, headers: dict):
        """A read answers 200 itself: a redirect (to the sign-in page, say) is a failure, not a page."""
        EXAMPLES.setdefault(name, {"path": path, "username": self.account["username"], "api": bool(headers)})
        with self.client.get(path, name=name, headers=headers, allow_redirects=False, catch_response=True) as answer:
            if answer.status_code != 200:
                answer.failure(f"{answer.status_code} {answer.headers.get('Location', '')}")
            return answer

    def then(self):
        """The person reads what came back before the next click."""
        self.wait()


class StreetOffice(Staff):
    weight = 35
    role = "street_officer"

    @task(3)
    def home(self):
        self.page("/", "street: home")

    @task(3)
    def compounds(self):
        compound = random.choice(self.account["compounds"])
        self.page(f"/compounds?street_id={self.account['street_id']}&sort=code", "street: compounds of the street")
        self.then()
        self.page(f"/compounds/{compound}", "street: a compound")

    @task(2)
    def tickets(self):
        self.page(f"/tickets?street_id={self.account['street_id']}&open=1", "street: open tickets")
        self.then()
        self.page(f"/tickets?street_id={self.account['street_id']}&status=new", "street: new tickets")

    @task(2)
    def alerts(self):
        self.page("/alerts", "street: alerts")

    @task(1)
    def fees(self):
        self.page("/fees", "street: fees")
        self.then()
        self.page(f"/compounds/{random.choice(self.account['compounds'])}/fees", "street: a compound's fees")

    @task(3)
    def counter(self):
        """A resident pays several months at the counter: search, the household's account, pay,
        print the receipt."""
        if not self.account["households"]:
            return
        household = self.account["households"].pop()
        WRITES["tried_households"].append(household["id"])
        surname = household["owner"][:1] or "张"
        self.page(f"/counter?q={surname}&compound_id={household['compound_id']}", "street: counter search")
        self.then()
        self.page(f"/households/{household['id']}/account", "street: household account")
        self.then()
        key = str(uuid.uuid4())
        body = {
            "amount": f"{household['owed_fen'] // 100}.{household['owed_fen'] % 100:02d}",
            "method": "cash",
            "bill_ids": household["bill_ids"],
            "expected_total": None,
            "payer_name": household["owner"][:32] or None,
        }
        body["expected_total"] = body["amount"]
        headers = {**self.auth, "Idempotency-Key": key}
        answer = self.client.post(
            f"/api/v1/households/{household['id']}/payments",
            json=body,
            headers=headers,
            name="street: pay several months (API)",
        )
        if answer.status_code != 201:
            return
        if random.random() < RETRY_SHARE:
            again = self.client.post(
                f"/api/v1/households/{household['id']}/payments",
                json=body,
                headers=headers,
                name="street: the same payment sent again",
            )
            if again.status_code != 201 or again.json()["receipt"]["id"] != answer.json()["receipt"]["id"]:
                return
        paid = answer.json()
        WRITES["payments"].append(
            {
                "key": key,
                "household_id": household["id"],
                "amount_fen": household["owed_fen"],
                "payment_ids": [p["id"] for p in paid["payments"]],
                "receipt_id": paid["receipt"]["id"],
                "receipt_number": paid["receipt"]["number"],
            }
        )
        self.page(f"/receipts/{paid['receipt']['id']}?print=1", "street: receipt")

    @task(2)
    def api_reads(self):
        self.api(f"/api/v1/compounds?street_id={self.account['street_id']}", "street API: compounds")
        self.then()
        self.api("/api/v1/tickets?overdue=true", "street API: overdue tickets")
        self.then()
        self.api(
            f"/api/v1/collection-rates?scope=street&id={self.account['street_id']}&{MONTHS}",
            "street API: collection rates",
        )


class FirmStaff(Staff):
    weight = 30
    role = "firm_staff"

    @task(3)
    def home(self):
        self.page("/", "firm: home")

    @task(3)
    def work_a_ticket(self):
        """Open the queue, a ticket, and move it one step (accept, start, resolve)."""
        self.page("/tickets/queue", "firm: ticket queue")
        if not self.account["tickets"]:
            return
        ticket = self.account["tickets"].pop()
        WRITES["tried_tickets"].append(ticket["id"])
        self.then()
        self.page(f"/tickets/{ticket['id']}", "firm: a ticket")
        self.then()
        to = NEXT_STATUS[ticket["status"]]
        body = {"to": to, "note": "峰值测试：已处理"}
        if to == "resolved":
            body["cost"] = "120.00"
        answer = self.client.post(
            f"/api/v1/tickets/{ticket['id']}/transitions",
            json=body,
            headers=self.auth,
            name="firm: move a ticket (API)",
        )
        if answer.status_code == 200:
            WRITES["transitions"].append({"ticket_id": ticket["id"], "to": to, "username": self.account["username"]})
            if to in NEXT_STATUS:
                self.account["tickets"].insert(0, {"id": ticket["id"], "status": to})

    @task(1)
    def fees(self):
        self.page("/fees", "firm: fees")

    @task(2)
    def api_reads(self):
        compound = random.choice(self.account["compounds"])
        self.api(f"/api/v1/bills?compound_id={compound}&period={PERIOD}", "firm API: a compound's bills")
        self.then()
        self.api(
            f"/api/v1/collection-rates?scope=firm&id={self.account['firm_id']}&{MONTHS}", "firm API: collection rates"
        )
        self.then()
        self.api("/api/v1/tickets", "firm API: tickets")


class Committee(Staff):
    weight = 15
    role = "committee_member"

    @task(3)
    def home(self):
        self.page("/", "committee: home")

    @task(2)
    def ledger(self):
        compound = self.account["compound_id"]
        self.page(f"/compounds/{compound}/accounts", "committee: the compound's books")
        self.then()
        self.api(f"/api/v1/ledger/{compound}/statement?month={_months(PERIOD, 1)}", "committee API: ledger statement")

    @task(1)
    def compound(self):
        self.page(f"/compounds/{self.account['compound_id']}", "committee: its compound")

    @task(2)
    def api_reads(self):
        compound = self.account["compound_id"]
        self.api(f"/api/v1/collection-rates?scope=compound&id={compound}&{MONTHS}", "committee API: collection rates")
        self.then()
        self.api(f"/api/v1/tickets?compound_id={compound}", "committee API: its tickets")


class Regulator(Staff):
    weight = 5
    role = "regulator"

    @task(3)
    def home(self):
        self.page("/", "regulator: home")

    @task(2)
    def fees(self):
        self.page("/fees", "regulator: fees")

    @task(1)
    def compounds(self):
        self.page("/compounds?sort=code", "regulator: compounds")

    @task(1)
    def rankings(self):
        self.page("/rankings", "regulator: rankings")

    @task(1)
    def api_reads(self):
        self.api(f"/api/v1/collection-rates?scope=city&{MONTHS}", "regulator API: city collection rates")
        self.then()
        self.api("/api/v1/alerts", "regulator API: alerts")


class Resident(FastHttpUser):
    """A resident scans the stairwell's QR code, reports a repair and follows it on the tracking
    page; each comes from an address of its own, as from the street (nginx forwards it)."""

    weight = 15
    wait_time = between(5, 15)
    default_headers = {"User-Agent": USER_AGENT}
    serial = itertools.count()

    def on_start(self):
        n = next(self.serial)
        self.address = {"X-Forwarded-For": f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"}
        self.tracking: list[str] = []

    @task(2)
    def report(self):
        compound = random.choice(PLAN["public_compounds"])
        EXAMPLES.setdefault("public: report form", {"path": f"/c/{compound['code']}", "username": None, "api": False})
        form = self.client.get(f"/c/{compound['code']}", name="public: report form", headers=self.address)
        csrf = _CSRF.search(form.text or "")
        if not csrf:
            return
        self.wait()
        marker = f"{RUN}-{uuid.uuid4().hex[:12]}"
        data = {
            "csrf_token": csrf.group(1),
            "what": random.choice(["light", "drain", "stairwell", "road"]),
            "priority": "normal",
            "building": "",
            "location": "3单元门口",
            "description": f"楼道灯不亮，晚上看不见台阶。{marker}",
            "reporter_name": "",
            "reporter_phone": "",
            "website": "",
        }
        answer = self.client.post(
            f"/c/{compound['code']}",
            data=data,
            name="public: send a report",
            headers=self.address,
            allow_redirects=False,
        )
        where = answer.headers.get("Location", "") if answer.status_code == 302 else ""
        found = re.search(r"/track/([^/?]+)", where)
        if not found:
            return
        WRITES["reports"].append(
            {"marker": marker, "tracking_code": found.group(1), "compound_id": compound["compound_id"]}
        )
        link = urlsplit(where)
        self.client.get(f"{link.path}?{link.query}", name="public: tracking page (new)", headers=self.address)
        self.tracking.append(found.group(1))

    @task(2)
    def track(self):
        if self.tracking:
            self.client.get(
                f"/track/{random.choice(self.tracking)}", name="public: tracking page", headers=self.address
            )

    @task(1)
    def rankings(self):
        EXAMPLES.setdefault("public: firm rankings", {"path": "/rankings/public", "username": None, "api": False})
        self.client.get("/rankings/public", name="public: firm rankings", headers=self.address)
