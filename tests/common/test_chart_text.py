"""Data in a chart's text is drawn as text: Plotly renders `<a href>`, `<b>`, `<span style>`… in
titles, legend names, tick labels and hover text, and a firm named with a link put that link into
its own chart's title."""

from __future__ import annotations

import json
import re
from decimal import Decimal

from pm_app.common.charts import plotly_text
from pm_app.extensions import db
from pm_app.fees.reports import charts as fee_charts
from pm_app.rankings import charts as ranking_charts
from tests.org.conftest import city  # noqa: F401  (the fixture)
from tests.tickets.pages import login

LINK = '<a href="https://evil.example/">甲物业</a>'


def _strings(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, str):
        yield value


def test_every_string_of_a_figure_loses_its_markup_but_the_authored_hover_markup_stays(app):
    with app.test_request_context():  # the charts word their axes in the reader's language
        _check_figures()


def _check_figures():
    figure = plotly_text(ranking_charts.score_history([(LINK, Decimal("80"))], f"{LINK} & 乙"))
    assert figure["layout"]["title"]["text"] == '&lt;a href="https://evil.example/"&gt;甲物业&lt;/a&gt; &amp; 乙'
    assert figure["data"][0]["x"] == ['&lt;a href="https://evil.example/"&gt;甲物业&lt;/a&gt;']
    assert figure["data"][0]["y"] == [80.0]
    line = plotly_text(fee_charts._line(LINK, ["2026-01"], [90.0], "#000", "solid"))
    assert line["hovertemplate"].startswith("%{y:.1f} %<extra>&lt;a href=") and line["hovertemplate"].endswith(
        "</extra>"
    )
    assert not any("<a" in text for text in _strings(figure) if text) and "<a" not in json.dumps(line)


def test_a_firm_named_with_a_link_gets_no_link_in_its_chart(client, city):
    city.firm.name = LINK
    db.session.flush()
    login(client, city.users["firm_staff"])
    page = client.get("/fees").get_data(as_text=True)
    figures = [
        json.loads(raw)
        for raw in re.findall(r"<script type=\"application/json\" data-chart>(.*?)</script>", page, re.S)
    ]
    assert figures, "the overview draws its chart"
    title = figures[0]["layout"]["title"]["text"]
    assert "&lt;a href=" in title and "甲物业" in title
    assert not any("<a" in text for figure in figures for text in _strings(figure))
