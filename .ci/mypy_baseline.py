"""mypy with a recorded baseline that may only shrink.

    .ci/mypy_baseline.py            run mypy (pyproject.toml's [tool.mypy]); fail on any error that
                                    .ci/mypy-baseline.txt does not hold
    .ci/mypy_baseline.py --update   rewrite the baseline after fixing errors; refused if that
                                    would add one (new code is typed clean, not baselined)

An error is keyed by (file, error code, message) without its line number, so moving code or
reformatting a file (ruff format) keeps it known; "on line 12" inside a message is made "on line
N" for the same reason. Keys are counted: a second copy of a known error in the same file is new.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / ".ci" / "mypy-baseline.txt"
ERROR = re.compile(r"^(?P<file>[^:]+):\d+(?::\d+)?: error: (?P<message>.*?)\s+\[(?P<code>[a-z0-9-]+)\]$")


def key(file: str, code: str, message: str) -> str:
    message = re.sub(r"\bline \d+", "line N", message)
    return f"{Path(file).as_posix()}: [{code}] {message}"


def current() -> Counter[str]:
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--no-pretty",
            "--show-error-codes",
            "--no-error-summary",
            "--hide-error-context",
            "--no-color-output",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if run.returncode not in (0, 1) or "error: " in run.stderr:
        sys.exit(f"mypy did not run (exit {run.returncode}):\n{run.stderr}{run.stdout[-2000:]}")
    found: Counter[str] = Counter()
    for line in run.stdout.splitlines():
        match = ERROR.match(line)
        if match:
            found[key(match["file"], match["code"], match["message"])] += 1
        elif ": error: " in line:
            sys.exit(f"cannot read this mypy line: {line}")
    return found


def recorded() -> Counter[str]:
    if not BASELINE.exists():
        return Counter()
    return Counter(
        line for line in BASELINE.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")
    )


def write(errors: Counter[str]) -> None:
    lines = sorted(errors.elements())
    header = (
        "# mypy errors known on the day they were recorded: the list may only shrink (.ci/mypy_baseline.py).\n"
        "# One line per error, keyed without line numbers; fix one, then run .ci/mypy_baseline.py --update.\n"
    )
    BASELINE.write_text(header + "".join(f"{line}\n" for line in lines), encoding="utf-8")


def main(argv: list[str]) -> int:
    now, known = current(), recorded()
    new, gone = now - known, known - now
    if "--init" in argv:  # the first recording only: there was no baseline to shrink
        if BASELINE.exists():
            sys.exit(f"{BASELINE.name} exists: use --update, which only removes")
        write(now)
        print(f"recorded {sum(now.values())} mypy errors in {BASELINE.relative_to(ROOT)}")
        return 0
    if new:
        print(
            f"mypy: {sum(new.values())} error(s) not in {BASELINE.relative_to(ROOT)} — fix them "
            "(the baseline only shrinks; a `# type: ignore[code]` with a reason is the last resort):"
        )
        for line in sorted(new.elements()):
            print(f"  {line}")
        return 1
    if "--update" in argv:
        write(now)
        print(f"baseline: {sum(known.values())} → {sum(now.values())} errors")
        return 0
    print(f"mypy: {sum(now.values())} known errors, none new (baseline {sum(known.values())})")
    if gone:
        print(
            f"  {sum(gone.values())} of the baseline are fixed: run .ci/mypy_baseline.py --update and commit "
            f"{BASELINE.relative_to(ROOT)} to shrink it"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
