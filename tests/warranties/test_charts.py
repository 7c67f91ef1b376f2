"""The chart of warranty ends, as the dict the page embeds."""

from __future__ import annotations

from datetime import date

from pm_app.warranties.charts import MAX_MARKER, MIN_MARKER, warranty_ends

ROWS = [
    {"category": "管线", "end": date(2023, 6, 30), "items": 1, "state": "expired"},
    {"category": "路面", "end": date(2026, 6, 30), "items": 4, "state": "expiring"},
    {"category": "围墙", "end": date(2031, 6, 30), "items": 2, "state": "active"},
    {"category": "路面", "end": date(2031, 6, 30), "items": 2, "state": "active"},
]


def test_one_trace_per_state_with_ends_by_category(app):
    with app.test_request_context("/?lang=en"):
        figure = warranty_ends(ROWS, date(2026, 3, 1), "Ends")
    names = [trace["name"] for trace in figure["data"]]
    assert names == ["Expired", "Expiring", "In warranty"]
    active = figure["data"][2]
    assert active["x"] == ["2031-06-30", "2031-06-30"] and active["y"] == ["围墙", "路面"] and active["text"] == [2, 2]
    assert figure["layout"]["yaxis"]["categoryarray"] == ["围墙", "管线", "路面"]


def test_the_as_of_day_is_marked_and_markers_grow_with_the_count(app):
    with app.test_request_context("/?lang=en"):
        figure = warranty_ends(ROWS, date(2026, 3, 1), "Ends")
    (line,) = figure["layout"]["shapes"]
    assert line["x0"] == line["x1"] == "2026-03-01" and figure["layout"]["annotations"][0]["text"] == "As of 2026-03-01"
    assert figure["data"][1]["marker"]["size"] == [MAX_MARKER] and figure["data"][0]["marker"]["size"][0] > MIN_MARKER


def test_no_items_draw_no_trace(app):
    with app.test_request_context("/?lang=en"):
        figure = warranty_ends([], date(2026, 3, 1), "Ends")
    assert figure["data"] == [] and figure["layout"]["shapes"][0]["x0"] == "2026-03-01"
