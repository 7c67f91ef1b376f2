"""From what locust kept to the peak hour's table: each step's rate and latencies, the highest step
that held, and every target of issue 30 with its figure and whether it holds. Pure functions of
lists and dicts, so tests/perf/test_peak_report.py checks them without a server."""

from __future__ import annotations

P95_MS = 300  # issue 30: p95 at most 300 ms, with no errors
GOAL_USERS = 3000  # a whole city's street offices, firms and committees
SECONDS_PER_REQUEST = 10  # one request per 10 s per person at a desk


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def step_figures(requests: list, start: float, end: float) -> dict:
    """Requests that began in [start, end): the rate they came at and how fast they were answered.
    Each request is (start time, name, milliseconds, ok)."""
    inside = [r for r in requests if start <= r[0] < end]
    times = [r[2] for r in inside]
    failed = [r for r in inside if not r[3]]
    slowest: dict[str, list[float]] = {}
    for _t, name, ms, _ok in inside:
        slowest.setdefault(name, []).append(ms)
    by_name = {
        name: {"n": len(ms), "p50_ms": percentile(ms, 50), "p95_ms": percentile(ms, 95)}
        for name, ms in sorted(slowest.items())
    }
    return {
        "seconds": round(end - start, 1),
        "requests": len(inside),
        "rate": round(len(inside) / (end - start), 1) if end > start else 0.0,
        "p50_ms": percentile(times, 50),
        "p95_ms": percentile(times, 95),
        "p99_ms": percentile(times, 99),
        "errors": len(failed),
        "errors_by_name": _count(r[1] for r in failed),
        "by_name": by_name,
    }


def holds(step: dict) -> bool:
    """A step is sustained when its p95 is within the target and nothing failed."""
    return step["requests"] > 0 and step["errors"] == 0 and step["p95_ms"] is not None and step["p95_ms"] <= P95_MS


def highest_sustained(steps: list[dict]) -> dict | None:
    """The fastest step that held, among those before the first that did not: a step that holds
    after one that failed was luck (a quiet moment on the machine), not capacity."""
    best = None
    for step in steps:
        if not holds(step):
            break
        if best is None or step["rate"] > best["rate"]:
            best = step
    return best


def targets(
    steps: list[dict], health_rps: float | None, writes: dict, seed_seconds: float | None, cost: dict | None = None
) -> list[dict]:
    """Every target of the peak hour: its figure and whether it holds (None: information, no target)."""
    best = highest_sustained(steps)
    rate = best["rate"] if best else 0.0
    users = round(rate * SECONDS_PER_REQUEST)
    rows = [
        {
            "target": f"highest sustained rate (p95 ≤ {P95_MS} ms, no errors)",
            "figure": f"{rate:.0f} req/s",
            "goal": f"≥ {GOAL_USERS // SECONDS_PER_REQUEST} req/s",
            "holds": rate >= GOAL_USERS / SECONDS_PER_REQUEST,
        },
        {
            "target": f"concurrent staff users at 1 request / {SECONDS_PER_REQUEST} s",
            "figure": f"{users:,}",
            "goal": f"≥ {GOAL_USERS:,}",
            "holds": users >= GOAL_USERS,
        },
        {
            "target": "that rate ÷ /healthz in the same run",
            "figure": f"{rate / health_rps:.3f} ({health_rps:.0f} req/s)" if health_rps else "not measured",
            "goal": "—",
            "holds": None,
        },
        {
            "target": "p95 at that rate",
            "figure": f"{best['p95_ms']:.0f} ms" if best else "no step held",
            "goal": f"≤ {P95_MS} ms",
            "holds": best is not None,
        },
        {
            "target": "every acknowledged write in the database, once",
            "figure": written(writes),
            "goal": "0 missing, 0 twice",
            "holds": not writes.get("missing") and not writes.get("twice"),
        },
    ]
    if cost:
        rows.append(
            {
                "target": "CPU per read of the mix, one at a time (app + PostgreSQL)",
                "figure": f"{cost['mean_cpu_ms']:.1f} ms → {cost['rate_on_2_free_cores']:.0f} req/s on 2 free cores",
                "goal": "—",
                "holds": None,
            }
        )
    if seed_seconds is not None:
        rows.append(
            {
                "target": "pm-app seed --scale city (once, kept as a template)",
                "figure": f"{seed_seconds:.0f} s",
                "goal": "—",
                "holds": None,
            }
        )
    return rows


def written(writes: dict) -> str:
    acked = writes.get("acknowledged", {})
    parts = ", ".join(f"{n:,} {kind}" for kind, n in acked.items())
    return f"{parts}; {len(writes.get('missing', []))} missing, {len(writes.get('twice', []))} twice"


def table(rows: list[dict]) -> str:
    mark = {True: "yes", False: "NO", None: "—"}
    lines = [f"{'target':<52} {'figure':>34} {'goal':>14} {'holds':>6}"]
    lines += [f"{r['target']:<52} {r['figure']:>34} {r['goal']:>14} {mark[r['holds']]:>6}" for r in rows]
    return "\n".join(lines)


def steps_table(steps: list[dict]) -> str:
    lines = [
        f"{'users':>6} {'req/s':>7} {'p50':>6} {'p95':>6} {'p99':>6} {'errors':>6} {'load':>5} {'held':>5}   "
        "cores: app  pg  locust  others"
    ]
    for s in steps:
        cores = s.get("cores_used", {})
        lines.append(
            f"{s['users']:>6} {s['rate']:>7.1f} {s['p50_ms'] or 0:>6.0f} {s['p95_ms'] or 0:>6.0f} "
            f"{s['p99_ms'] or 0:>6.0f} {s['errors']:>6} {s.get('load_1min', 0):>5.1f} "
            f"{'yes' if holds(s) else 'NO':>5}   "
            f"{cores.get('gunicorn', 0):>9.2f} {cores.get('postgresql (this database)', 0):>3.2f} "
            f"{cores.get('locust', 0):>6.2f} {cores.get('everything else', 0):>7.2f}"
        )
    return "\n".join(lines)


def _count(names) -> dict:
    counts: dict[str, int] = {}
    for name in names:
        counts[name] = counts.get(name, 0) + 1
    return counts


def costs_table(costs: dict) -> str:
    """Each read's CPU, one request at a time, dearest first."""
    lines = [f"{'read':<45} {'cpu ms':>7} {'app':>6} {'pg':>6} {'wall ms':>8}"]
    for name, c in sorted(costs.items(), key=lambda item: -item[1].get("cpu_ms", 0)):
        if "cpu_ms" in c:
            lines.append(f"{name:<45} {c['cpu_ms']:>7.1f} {c['app_ms']:>6.1f} {c['pg_ms']:>6.1f} {c['wall_ms']:>8.1f}")
        else:
            lines.append(f"{name:<45} answered {c.get('status')}")
    return "\n".join(lines)


def mix_cost_of(costs: dict, counts: dict) -> dict:
    """The CPU of the average read of the run's mix (each read weighed by how often the run asked
    for it; writes are not replayed), and the rate two cores would carry at that cost."""
    weighed = [(counts[name], c["cpu_ms"]) for name, c in costs.items() if "cpu_ms" in c and counts.get(name)]
    n = sum(w for w, _ in weighed)
    if not n:
        return {}
    mean = sum(w * ms for w, ms in weighed) / n
    return {"mean_cpu_ms": round(mean, 1), "reads_weighed": n, "rate_on_2_free_cores": round(2000 / mean, 0)}
