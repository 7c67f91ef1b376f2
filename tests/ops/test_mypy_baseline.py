"""The mypy baseline (.ci/mypy_baseline.py) knows an error by file, code and message, never by
line, so moving or reformatting code keeps it known; a new error fails; --update only removes."""

from __future__ import annotations

import importlib.util
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def baseline(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("mypy_baseline", ROOT / ".ci" / "mypy_baseline.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "BASELINE", tmp_path / ".ci" / "mypy-baseline.txt")
    monkeypatch.setattr(module, "ROOT", tmp_path)
    (tmp_path / ".ci").mkdir()
    return module


def _mypy_says(module, monkeypatch, *lines: str) -> None:
    found = Counter()
    for line in lines:
        match = module.ERROR.match(line)
        found[module.key(match["file"], match["code"], match["message"])] += 1
    monkeypatch.setattr(module, "current", lambda: found)


def test_an_error_that_moved_lines_is_still_known(baseline, monkeypatch):
    _mypy_says(baseline, monkeypatch, 'pm_app/a.py:10: error: Name "x" already defined on line 4  [no-redef]')
    assert baseline.main(["--init"]) == 0
    _mypy_says(baseline, monkeypatch, 'pm_app/a.py:31: error: Name "x" already defined on line 12  [no-redef]')
    assert baseline.main([]) == 0


def test_a_new_error_or_a_second_copy_of_a_known_one_fails(baseline, monkeypatch, capsys):
    known = 'pm_app/a.py:10: error: Item "None" of "X | None" has no attribute "y"  [union-attr]'
    _mypy_says(baseline, monkeypatch, known)
    baseline.main(["--init"])
    _mypy_says(baseline, monkeypatch, known, known.replace(":10:", ":20:"))
    assert baseline.main([]) == 1
    assert "pm_app/a.py: [union-attr]" in capsys.readouterr().out
    assert baseline.main(["--update"]) == 1  # refuses to record it


def test_update_shrinks_the_baseline_after_a_fix(baseline, monkeypatch):
    first, second = ("pm_app/a.py:1: error: one  [misc]", "pm_app/b.py:2: error: two  [misc]")
    _mypy_says(baseline, monkeypatch, first, second)
    baseline.main(["--init"])
    _mypy_says(baseline, monkeypatch, second)
    assert baseline.main([]) == 0
    assert baseline.main(["--update"]) == 0
    assert baseline.recorded() == Counter({"pm_app/b.py: [misc] two": 1})
