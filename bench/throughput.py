"""API throughput under gunicorn, for bench/batch.py: a small threaded HTTP client that keeps one
connection per thread, and the gunicorn it talks to, started with the repository's
gunicorn.conf.py against the benchmark's database.

The client is plain http.client in threads: it needs no dependency, and it spends most of its time
waiting on sockets, so it leaves the cores to the server; it reports the CPU it used itself so a
reader can see how much it took. Each target is measured for a fixed time after a warm-up, and the
figure that matters is the ratio of the API mix to /healthz in the same run: the machine, the
other tenants and the client cancel out of it.
"""

from __future__ import annotations

import http.client
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Target:
    name: str
    path: str
    token: str | None = None


@dataclass
class LoadResult:
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    client_cpu_seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)

    def summary(self) -> dict:
        ordered = sorted(self.latencies)
        pick = lambda q: round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 1) if ordered else None  # noqa: E731
        return {
            "requests": self.requests,
            "errors": self.errors,
            "seconds": round(self.seconds, 1),
            "rps": round(self.requests / self.seconds, 1) if self.seconds else 0,
            "p50_ms": pick(0.50),
            "p99_ms": pick(0.99),
            "mean_ms": round(statistics.fmean(ordered) * 1000, 1) if ordered else None,
            "client_cpu_share": round(self.client_cpu_seconds / self.seconds, 2) if self.seconds else None,
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
        }


def run_load(port: int, targets: list[Target], threads: int, seconds: float, warmup: float = 3.0) -> LoadResult:
    """Each thread walks the targets round-robin (from its own offset) for `seconds` after `warmup`."""
    result, lock = LoadResult(), threading.Lock()
    start_at = time.perf_counter() + warmup
    stop_at = start_at + seconds

    def worker(offset: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        latencies, statuses, errors, n = [], {}, 0, offset
        while (now := time.perf_counter()) < stop_at:
            target = targets[n % len(targets)]
            n += 1
            headers = {"Authorization": f"Bearer {target.token}"} if target.token else {}
            try:
                connection.request("GET", target.path, headers=headers)
                response = connection.getresponse()
                response.read()
                status = response.status
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()  # sync workers close after each answer; reconnect next time
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                status = 0
            if now >= start_at:
                latencies.append(time.perf_counter() - now)
                statuses[status] = statuses.get(status, 0) + 1
                errors += status != 200
        connection.close()
        with lock:
            result.latencies.extend(latencies)
            result.errors += errors
            for status, count in statuses.items():
                result.statuses[status] = result.statuses.get(status, 0) + count

    cpu_before = time.process_time()
    workers = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    result.client_cpu_seconds = time.process_time() - cpu_before
    result.requests = len(result.latencies)
    result.seconds = seconds
    return result


class Gunicorn:
    """gunicorn 'pm_app:create_app()' with gunicorn.conf.py, on a free local port, as a context."""

    def __init__(
        self,
        url: str,
        port: int,
        workers: int | None = None,
        worker_class: str | None = None,
        redis_url: str | None = None,
        cache: bool = True,
    ):
        self.url, self.port, self.workers, self.worker_class = url, port, workers, worker_class
        self.redis_url, self.cache = redis_url, cache
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Gunicorn:
        env = {
            **os.environ,
            "DATABASE_URL": self.url,
            "PYTHONPATH": str(ROOT),
            "SECRET_KEY": "bench",
            "PM_APP_BIND": f"127.0.0.1:{self.port}",
            "PM_APP_JOBS_MODE": "sync",
        }
        env.pop("REDIS_URL", None)
        if self.redis_url:  # as deployed: the API's cache (and the limiter) in Redis; jobs stay in-process
            env["REDIS_URL"] = self.redis_url
        env["PM_APP_API_CACHE_SECONDS"] = "30" if self.cache else "0"
        if self.workers:
            env["PM_APP_WEB_WORKERS"] = str(self.workers)
        if self.worker_class:
            env["PM_APP_WEB_WORKER_CLASS"] = self.worker_class
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), "pm_app:create_app()"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2).read()
                return self
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError(self.process.stderr.read().decode()[-2000:]) from None
                time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer within 60 s")

    def __exit__(self, *_exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
