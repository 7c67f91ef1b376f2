"""requirements.lock (deployments install it with --require-hashes) is in step with pyproject.toml,
and the check that CI runs (.ci/lock --check) would catch a dependency added without relocking."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _checker():
    spec = importlib.util.spec_from_file_location("lock_check", ROOT / ".ci" / "lock_check.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _problems(tmp_path, change=None) -> list[str]:
    pyproject = tmp_path / "pyproject.toml"
    shutil.copy(ROOT / "pyproject.toml", pyproject)
    if change:
        pyproject.write_text(change(pyproject.read_text()))
    return _checker().check(str(pyproject), str(ROOT / "requirements.lock"), ["postgres", "sentry"])


def test_the_lock_gives_everything_pyproject_declares(tmp_path):
    assert _problems(tmp_path) == []


def test_a_dependency_added_without_relocking_is_caught(tmp_path):
    added = _problems(
        tmp_path, lambda text: text.replace("dependencies = [\n", 'dependencies = [\n    "httpx>=0.27",\n', 1)
    )
    assert any("httpx>=0.27" in problem and "not in the lock" in problem for problem in added), added


def test_a_range_moved_past_the_pin_is_caught(tmp_path):
    moved = _problems(tmp_path, lambda text: text.replace('"flask>=3.1,<4"', '"flask>=9"', 1))
    assert any("flask>=9" in problem for problem in moved), moved


def test_an_extra_that_deployments_install_is_checked_too(tmp_path):
    moved = _problems(
        tmp_path, lambda text: text.replace('sentry = ["sentry-sdk>=2.20,<3"]', 'sentry = ["sentry-sdk>=9"]')
    )
    assert any("sentry-sdk>=9" in problem for problem in moved), moved


def test_every_pin_carries_a_hash():
    entries = _checker().read_lock(str(ROOT / "requirements.lock"))
    assert entries and all(hashes >= 1 for _name, _version, _marker, hashes in entries)
