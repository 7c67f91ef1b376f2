"""The live server the browser tests drive: the real app (CSRF on, demo mode) on its own SQLite
file, prepared once as a user would — `pm-app demo --no-serve`, then `pm-app sweep` so the homes have
alerts — and served by werkzeug on a free port from a background thread.

One row is added to the demo city: a resident's report from two days ago in the `street`
account's street that nobody has answered. The seeded overdue tickets of that street are all
past answering, and those alerts go to their firms; this one, overdue for a response, reaches the
street office, which is the path from its home to a ticket that the tests follow."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import time_machine
from flask import Flask
from sqlalchemy import select
from werkzeug.serving import BaseWSGIServer, make_server

from pm_app import create_app
from pm_app.alerts.rules import RULES
from pm_app.common.clock import now
from pm_app.config import TestConfig
from pm_app.extensions import db
from pm_app.org.models import Compound, Street
from pm_app.tickets import services as tickets
from pm_app.tickets.models import Priority, TicketSource


@dataclass
class LiveServer:
    app: Flask
    server: BaseWSGIServer
    url: str

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def demo_config(folder: Path) -> type:
    class BrowserConfig(TestConfig):
        # Whatever database the rest of the suite uses, the browser drives its own demo city.
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{folder / 'demo.db'}"
        INSTANCE_DIR = folder
        REDIS_URL = None
        WTF_CSRF_ENABLED = True  # the login form must carry its token, as in production
        DEMO_MODE = True

    return BrowserConfig


def start(folder: Path) -> LiveServer:
    app = create_app(demo_config(folder))
    runner = app.test_cli_runner()
    # The daily rules first and ticket_overdue last, as the schedule runs them (it sweeps every
    # 15 minutes): the home lists the newest alerts, so tickets' alerts are on it, as in a real day.
    daily = [arg for name in sorted(RULES) if name != "ticket_overdue" for arg in ("--rule", name)]
    # Inside this app's own context: the commands use whichever app is current, and within the
    # suite that would be the suite's app, seeding the suite's database instead of this one.
    with app.app_context():
        _run(runner, "demo", "--no-serve")
        _run(runner, "sweep", *daily)
        _unanswered_report(app)
        _run(runner, "sweep", "--rule", "ticket_overdue")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request in the test log
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, name="live-server", daemon=True).start()
    return LiveServer(app, server, f"http://127.0.0.1:{server.server_port}")


def _run(runner, *args: str) -> None:
    result = runner.invoke(args=list(args))
    assert result.exit_code == 0, f"pm-app {' '.join(args)} failed:\n{result.output}"


def _unanswered_report(app: Flask) -> None:
    with app.test_request_context():  # the ticket's first event is worded in the request's language
        street_id = db.session.scalar(select(Street.id).order_by(Street.id).limit(1))  # as pm_app.org.demo binds it
        compound = db.session.scalar(
            select(Compound).where(Compound.street_id == street_id).order_by(Compound.code).limit(1)
        )
        with time_machine.travel(now() - timedelta(days=2), tick=False):
            tickets.report(
                None,
                compound,
                {
                    "category": "water_leak",
                    "priority": Priority.normal,
                    "description": "3号楼楼道水管漏水，报修两天无人上门",
                },
                TicketSource.public_link,
            )
        db.session.commit()
