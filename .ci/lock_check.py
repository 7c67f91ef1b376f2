"""Is requirements.lock in step with pyproject.toml? Offline, so a new release on the index can
never fail CI; re-resolving is .ci/lock's job.

Usage: lock_check.py PYPROJECT LOCK EXTRA...

Fails (exit 1, naming each problem) when
- a dependency of pyproject.toml (runtime, or one of the EXTRAs a deployment installs) is not in
  the lock, or its pinned version is outside the declared range, on any of Python 3.11–3.13;
- a package of the lock that is installed here at its pinned version needs something the lock
  lacks (a dependency whose new release brought a new requirement);
- a pinned package has no hash (pip --require-hashes would refuse the whole file).
"""

from __future__ import annotations

import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.version import Version

PYTHONS = ("3.11.0", "3.11.9", "3.12.0", "3.13.0")


def normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


Entry = tuple[str, Version, Marker | None, int]  # name, version, marker, number of hashes


def read_lock(path: str) -> list[Entry]:
    """One entry per pin: a package may be pinned twice, for different Pythons (by marker)."""
    found: list[Entry] = []
    for line in Path(path).read_text(encoding="utf-8").splitlines(keepends=True):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if not line[0].isspace():
            spec, _, marker = stripped.rstrip("\\").strip().partition(";")
            name, _, version = spec.strip().partition("==")
            found.append((normal(name), Version(version.strip()), Marker(marker) if marker.strip() else None, 0))
        elif stripped.startswith("--hash=") and found:
            name, version, marker, hashes = found[-1]
            found[-1] = (name, version, marker, hashes + 1)
    return found


def pins(lock: list[Entry], env: dict) -> dict[str, Version]:
    """What the lock installs on `env`."""
    return {name: version for name, version, marker, _h in lock if applies(marker, env)}


def environments():
    for python in PYTHONS:
        yield {
            "python_version": python.rsplit(".", 1)[0],
            "python_full_version": python,
            "sys_platform": "linux",
            "platform_system": "Linux",
            "os_name": "posix",
            "platform_machine": "x86_64",
            "implementation_name": "cpython",
            "platform_python_implementation": "CPython",
        }


def applies(marker: Marker | None, env: dict, extra: str = "") -> bool:
    return marker is None or marker.evaluate(env | {"extra": extra})


def declared(pyproject: str, extras: list[str]) -> list[Requirement]:
    project = tomllib.loads(Path(pyproject).read_text(encoding="utf-8"))["project"]
    own = normal(project["name"])
    wanted, seen, todo = list(project.get("dependencies", [])), set(), list(extras)
    while todo:
        extra = todo.pop()
        if extra in seen:
            continue
        seen.add(extra)
        for text in project.get("optional-dependencies", {}).get(extra, []):
            requirement = Requirement(text)
            if normal(requirement.name) == own:  # pm_app[postgres] inside another extra
                todo.extend(requirement.extras)
            else:
                wanted.append(text)
    return [Requirement(text) for text in wanted]


def check(pyproject: str, lock_path: str, extras: list[str]) -> list[str]:
    lock = read_lock(lock_path)
    problems = [f"{name}=={version} has no --hash" for name, version, _m, hashes in lock if not hashes]
    for env in environments():
        here = pins(lock, env)
        for requirement in declared(pyproject, extras):
            if not applies(requirement.marker, env):
                continue
            name = normal(requirement.name)
            if name not in here:
                problems.append(f"{requirement} (pyproject.toml) is not in the lock for Python {env['python_version']}")
            elif not requirement.specifier.contains(here[name], prereleases=True):
                problems.append(f"{requirement} (pyproject.toml) but the lock pins {name}=={here[name]}")
    return sorted(set(problems)) + installed_closure(lock, pyproject, extras)


def installed_closure(lock, pyproject: str, extras: list[str]) -> list[str]:
    """What the lock's packages installed here need, with the extras asked of them."""
    running = f"{sys.version_info[0]}.{sys.version_info[1]}"
    env = next((e for e in environments() if e["python_version"] == running), None)
    if env is None:
        return []
    here = pins(lock, env)
    asked: dict[str, set[str]] = {}
    for requirement in declared(pyproject, extras):
        asked.setdefault(normal(requirement.name), set()).update(requirement.extras)
    problems, done = [], set()
    while True:
        todo = [(name, frozenset(asked.get(name, ()))) for name in asked if (name, frozenset(asked[name])) not in done]
        if not todo:
            return problems
        for name, wanted in todo:
            done.add((name, wanted))
            if name not in here:
                continue  # reported above if it was declared
            try:
                dist = metadata.distribution(name)
            except metadata.PackageNotFoundError:
                continue
            if Version(dist.version) != here[name]:
                continue  # another version here: its requirements say nothing of the pinned one
            for text in dist.requires or []:
                requirement = Requirement(text)
                if not any(applies(requirement.marker, env, extra) for extra in ("", *wanted)):
                    continue
                needed = normal(requirement.name)
                if needed not in here:
                    problems.append(f"{name}=={dist.version} needs {requirement} (not in the lock)")
                elif not requirement.specifier.contains(here[needed], prereleases=True):
                    problems.append(f"{name}=={dist.version} needs {requirement}; the lock pins {here[needed]}")
                asked.setdefault(needed, set()).update(requirement.extras)


def main(argv: list[str]) -> int:
    pyproject, lock_path, *extras = argv
    problems = check(pyproject, lock_path, extras)
    if problems:
        print(f"{lock_path} is out of step with {pyproject}:", *problems, sep="\n  ", file=sys.stderr)
        print(f"Relock with .ci/lock and commit {lock_path} with {pyproject}.", file=sys.stderr)
        return 1
    print(f"{lock_path}: {len(read_lock(lock_path))} pinned packages, every one hashed, in step with {pyproject}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
