"""Issue 27: a home reads worklist, figures, charts — its long tables fold behind a "details"
control that names them and counts their rows, closed past ten rows, open when short."""

from __future__ import annotations

import html
import re

import pytest

from pm_app.tickets.models import TicketStatus
from tests.dashboards.conftest import NOW, add_ticket, login

FOLD = re.compile(r'<details class="fold" data-rows="(\d+)"( open)?>\s*<summary>([^<]*)</summary>')


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def folds(client, user) -> dict[str, tuple[int, bool]]:
    """summary → (rows, open) of the reader's home, in Chinese."""
    login(client, user)
    body = client.get("/").get_data(as_text=True)
    return {html.unescape(summary): (int(rows), bool(opened)) for rows, opened, summary in FOLD.findall(body)}


def test_short_tables_stay_open_and_say_how_many_rows(client, world):
    found = folds(client, world.city.users["street_officer"])
    assert found["按类别和状态统计的工单（2 项）"] == (2, True)
    assert found["各月收缴情况（12 项）"][1] is False  # twelve months: folded


def test_a_long_table_is_folded_and_the_worklist_comes_first(client, world):
    compound = world.city.compound
    for category in ("water_leak", "lighting"):
        for status in (
            TicketStatus.new,
            TicketStatus.assigned,
            TicketStatus.in_progress,
            TicketStatus.resolved,
            TicketStatus.closed,
            TicketStatus.rejected,
        ):
            add_ticket(compound, status=status, category=category, firm_id=world.city.firm.id)
    found = folds(client, world.city.users["street_officer"])
    rows, opened = found["按类别和状态统计的工单（12 项）"]
    assert rows == 12 and not opened
    body = client.get("/").get_data(as_text=True)
    # what awaits the reader, then the tiles, then the first chart
    assert body.index('class="card worklist"') < body.index('class="tiles"') < body.index('class="chart-box"')


def test_every_role_with_tables_folds_them(client, world):
    for role in ("regulator", "firm_staff", "contractor_staff"):
        assert folds(client, world.city.users[role]), role
