"""bench/peak_hour.py's table is the closing note's: a step over 300 ms or with one error does not
count, a step after a failed one is not capacity, and a write found missing or twice fails the run."""

from __future__ import annotations

from bench.peak.report import highest_sustained, holds, step_figures, targets


def _step(rate, p95, errors=0):
    return {
        "users": int(rate * 10),
        "rate": rate,
        "requests": int(rate * 45),
        "p50_ms": p95 / 3,
        "p95_ms": p95,
        "p99_ms": p95 * 2,
        "errors": errors,
    }


def _row(rows, start):
    (row,) = [r for r in rows if r["target"].startswith(start)]
    return row


CLEAN = {"acknowledged": {"payments": 10}, "missing": [], "twice": []}


def test_a_step_holds_only_within_300_ms_and_without_an_error():
    assert holds(_step(100, 300))
    assert not holds(_step(100, 301))
    assert not holds(_step(100, 120, errors=1))
    assert not holds({"users": 10, "rate": 0.0, "requests": 0, "p95_ms": None, "errors": 0})


def test_the_highest_sustained_step_stops_at_the_first_that_failed():
    """A step that holds after one that failed was a quiet moment, not the server's capacity."""
    steps = [_step(50, 80), _step(100, 150), _step(150, 420), _step(200, 250)]
    assert highest_sustained(steps)["rate"] == 100
    assert highest_sustained([_step(50, 900)]) is None


def test_the_goal_is_3000_users_at_one_request_per_10_s():
    rows = targets([_step(250, 200), _step(310, 280)], health_rps=2000.0, writes=CLEAN, seed_seconds=300.0)
    assert _row(rows, "highest sustained rate")["holds"] is True
    users = _row(rows, "concurrent staff users")
    assert users["figure"] == "3,100" and users["holds"] is True
    assert _row(rows, "that rate ÷ /healthz")["figure"].startswith("0.155")
    short = targets([_step(250, 200), _step(290, 310)], 2000.0, CLEAN, None)
    assert _row(short, "concurrent staff users")["figure"] == "2,500"
    assert _row(short, "concurrent staff users")["holds"] is False
    assert not any(r["target"].startswith("pm-app seed") for r in short)


def test_a_write_missing_or_made_twice_fails_the_run():
    for broken in ({"missing": [{"ticket_id": 1}]}, {"twice": [{"household_id": 7, "receipts": 2}]}):
        rows = targets([_step(400, 100)], 2000.0, CLEAN | broken, None)
        assert _row(rows, "every acknowledged write")["holds"] is False
    assert _row(targets([_step(400, 100)], 2000.0, CLEAN, None), "every acknowledged write")["holds"] is True


def test_a_step_counts_the_requests_begun_inside_its_window():
    kept = [(0.5, "home", 50.0, 1), (1.0, "home", 100.0, 1), (2.0, "pay", 400.0, 0), (9.0, "home", 10.0, 1)]
    step = step_figures(kept, 1.0, 3.0)
    assert step["requests"] == 2 and step["rate"] == 1.0
    assert step["errors"] == 1 and step["errors_by_name"] == {"pay": 1}
    assert step["by_name"]["pay"]["p95_ms"] == 400.0


def test_the_mix_costs_what_its_reads_cost_weighed_by_how_often_they_were_asked_for():
    from bench.peak.report import mix_cost_of

    costs = {"home": {"cpu_ms": 40.0}, "api": {"cpu_ms": 5.0}, "broken": {"status": 302}, "unused": {"cpu_ms": 900.0}}
    cost = mix_cost_of(costs, {"home": 1, "api": 3, "broken": 50})
    assert cost == {"mean_cpu_ms": 13.8, "reads_weighed": 4, "rate_on_2_free_cores": 145.0}
    assert mix_cost_of(costs, {}) == {}
