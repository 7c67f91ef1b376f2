"""Where the peak hour's time goes: the machine's CPU split between the app's processes, PostgreSQL's
backends of the run's database, Redis, the load generator and everything else on the machine (the
other tenants of a shared one); and, with py-spy, the Python frames the gunicorn workers spend their
CPU in during one step of load."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import psutil

# pip puts py-spy beside the interpreter (`pip install py-spy`); a system one will do as well.
PY_SPY = (
    str(Path(sys.executable).parent / "py-spy")
    if (Path(sys.executable).parent / "py-spy").exists()
    else (shutil.which("py-spy") or "py-spy")
)


class CpuSplit:
    """CPU seconds per group of processes between start() and stop(), against the whole machine's."""

    def __init__(self, groups):
        self.groups = groups  # name → callable giving the pids of the group now

    def _read(self) -> dict:
        seconds = {}
        for name, pids in self.groups.items():
            total = 0.0
            for pid in pids():
                try:
                    times = psutil.Process(pid).cpu_times()
                    total += times.user + times.system
                except psutil.Error:
                    pass
            seconds[name] = total
        machine = psutil.cpu_times()
        seconds["machine busy"] = sum(machine) - machine.idle - getattr(machine, "iowait", 0.0)
        return seconds

    def start(self) -> None:
        self.before = self._read()

    def stop(self, wall: float | None) -> dict:
        """Cores used on average over `wall` seconds; with None, the CPU seconds themselves."""
        after = self._read()
        used = {name: max(0.0, after[name] - self.before.get(name, 0.0)) for name in after}
        ours = sum(v for k, v in used.items() if k != "machine busy")
        used["everything else"] = max(0.0, used["machine busy"] - ours)
        return used if wall is None else {name: round(seconds / wall, 2) for name, seconds in used.items()}


def children(pid: int) -> list[int]:
    try:
        parent = psutil.Process(pid)
        return [parent.pid, *(c.pid for c in parent.children(recursive=True))]
    except psutil.Error:
        return []


def record(pids: list[int], seconds: float) -> list[subprocess.Popen]:
    """py-spy on each worker for `seconds` (folded stacks, CPU only), started in the background."""
    folder = Path(tempfile.mkdtemp(prefix="pm-peak-spy-"))
    options = f"record --duration {int(seconds)} --rate 50 --format raw --nonblocking".split()
    return [
        subprocess.Popen(
            [PY_SPY, *options, "--pid", str(pid), "--output", str(folder / f"{pid}.txt")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for pid in pids
    ]


def summarise(spies: list[subprocess.Popen], top: int = 25) -> dict:
    """The frames the workers were in (inclusive share of samples) and the ones they were running
    (self share), over every worker's samples."""
    for spy in spies:
        spy.wait(120)
    inclusive, own, package, total = Counter(), Counter(), Counter(), 0
    for spy in spies:
        output = Path(spy.args[spy.args.index("--output") + 1])
        if not output.exists():
            continue
        for line in output.read_text(errors="replace").splitlines():
            stack, _, count = line.rpartition(" ")
            if not stack or not count.isdigit():
                continue
            frames, n = stack.split(";"), int(count)
            total += n
            own[_short(frames[-1])] += n
            package[_package(frames)] += n
            for frame in {_short(f) for f in frames}:
                inclusive[frame] += n
    share = lambda c: [(frame, round(n / total, 3)) for frame, n in c.most_common(top)]  # noqa: E731
    if not total:
        return {"samples": 0}
    return {"samples": total, "by_package": share(package), "inclusive": share(inclusive), "self": share(own)}


def _short(frame: str) -> str:
    """`render (jinja2/environment.py:1295)` → `render (jinja2/environment.py)`: a function, not a line."""
    name, _, where = frame.partition(" (")
    path = where.rstrip(")").rsplit(":", 1)[0]
    for marker in ("site-packages/", "/work/main/", "python3.11/"):
        if marker in path:
            path = path.split(marker, 1)[1]
    return f"{name} ({path})"


def _package(frames: list[str]) -> str:
    """Whose code the CPU was in: the running frame's package, or for the product's own code and
    the standard library, the nearest pm_app module on the stack (what called it)."""
    leaf = _short(frames[-1])
    where = leaf.partition(" (")[2].rstrip(")")
    top = where.split("/", 1)[0]
    if top and not where.startswith("<") and "." not in top:
        return top
    for frame in reversed(frames):
        short = _short(frame).partition(" (")[2].rstrip(")")
        if short.startswith("pm_app/"):
            return "pm_app (and the standard library it calls)"
    return "the standard library"
