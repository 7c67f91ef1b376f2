"""The regulator's home shows the black list of every published period (a chart and a table with
the same numbers), and nothing of a period that is not published."""

from __future__ import annotations

import html
import json
import re
from types import SimpleNamespace

from sqlalchemy import select

from pm_app.extensions import db
from pm_app.rankings import charts, public
from pm_app.rankings.models import RankingResult
from tests.rankings.conftest import login
from tests.rankings.test_flow import deduct, start
from tests.rankings.test_public import publish


def test_the_chart_stacks_each_period_s_black_firms_by_why(app):
    rows = [
        ("2026Q1", []),
        ("2026Q2", [SimpleNamespace(veto=False), SimpleNamespace(veto=True), SimpleNamespace(veto=False)]),
    ]
    with app.test_request_context("/?lang=en"):
        figure = charts.blacklist_history(rows, "Black list")
    graded, vetoed = figure["data"]
    assert graded["x"] == vetoed["x"] == ["2026Q1", "2026Q2"]
    assert graded["y"] == [0, 2] and vetoed["y"] == [0, 1]
    assert figure["layout"]["barmode"] == "stack" and figure["layout"]["title"]["text"] == "Black list"
    json.dumps(figure)  # plain JSON, embeddable as is


def two_published_and_a_draft(api, quarter):
    """2026Q1 published with nobody rated (no data), yet firm B on its black list by a veto, which
    black-lists rated or not (issue 26); 2026Q2 published with firm A below 60 and firm B vetoed; 2026Q3 a draft with every
    firm renamed and black, firm C (丁物业) too, which no published period lists."""
    city = quarter.city
    q1 = start(api, quarter, "2026Q1")
    deduct(api, quarter, q1, city.other_firm, "5", veto=True)
    publish(api, quarter, q1)
    q2 = start(api, quarter)
    deduct(api, quarter, q2, city.other_firm, "5", veto=True)
    publish(api, quarter, q2)
    q3 = start(api, quarter, "2026Q3")
    # Nobody has data in Q3, so the draft's list is made by hand: every firm renamed and black.
    drafted = list(db.session.scalars(select(RankingResult).where(RankingResult.period_id == q3)))
    for row in drafted:
        row.firm_name, row.grade, row.list_name = f"草稿专用名{row.firm_id}", "C", "black"
    assert drafted
    db.session.flush()


def test_history_is_published_periods_oldest_first(api, quarter):
    two_published_and_a_draft(api, quarter)
    city = quarter.city
    history = [(p.code, [(r.firm_id, r.veto) for r in black]) for p, black in public.blacklist_history()]
    assert history == [
        ("2026Q1", [(city.other_firm.id, True)]),
        ("2026Q2", [(city.other_firm.id, True), (city.firm.id, False)]),
    ]


def test_regulator_home_shows_the_history_but_nothing_of_the_draft(api, client, quarter):
    two_published_and_a_draft(api, quarter)
    login(client, quarter.city.users["regulator"])
    page = client.get("/?lang=en").get_data(as_text=True)
    table = re.search(r'<table class="black-history">(.*?)</table>', page, re.S).group(1)
    rows = re.findall(
        r'<tr><th scope="row"><a [^>]*>(\w+)</a></th>\s*<td class="num">(\d+)</td>\s*<td>(.*?)</td></tr>', table, re.S
    )
    assert [(code, n, html.unescape(names)) for code, n, names in rows] == [
        ("2026Q1", "1", "乙物业 (veto)"),
        ("2026Q2", "2", "乙物业 (veto), 甲物业"),
    ]
    figures = [
        json.loads(html.unescape(raw))
        for raw in re.findall(r'<script type="application/json" data-chart>(.*?)</script>', page, re.S)
    ]
    black = next(f for f in figures if f["layout"]["title"]["text"] == "Black list by published period")
    assert [(t["name"], t["x"], t["y"]) for t in black["data"]] == [
        ("By grade", ["2026Q1", "2026Q2"], [0, 1]),
        ("Veto", ["2026Q1", "2026Q2"], [1, 1]),
    ]
    for trace in ("2026Q3", "草稿专用名", "丁物业"):
        assert trace not in page


def test_the_home_reads_no_result_s_indicators_and_no_scheme(api, client, quarter):
    # The JSON behind each result and period is for the ranking pages; decoding it for twelve
    # periods of black lists was 8 ms of the city home. The home still shows both lists.
    from tests.helpers import count_statements

    two_published_and_a_draft(api, quarter)
    login(client, quarter.city.users["regulator"])
    with count_statements() as sent:
        page = client.get("/?lang=en").get_data(as_text=True)
    ranking = [s for s in sent if "ranking_result" in s or "ranking_period" in s]
    assert ranking and not [s for s in ranking if "indicators" in s or "snapshot" in s], ranking
    assert "乙物业" in page
