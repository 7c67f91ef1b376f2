"""Build step only: the wheel carries the page templates and the migrations.

They stay at the top of the repository (templates/, migrations/), where a developer expects them,
and are copied into the built package as pm_app/bundled/ so an installed wheel serves every page
and migrates its database (pm_app.paths finds whichever is there). Everything else is in
pyproject.toml.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
BUNDLED = ("templates", "migrations")


class BuildWithTemplatesAndMigrations(build_py):
    def run(self):
        super().run()
        for name in BUNDLED:
            shutil.copytree(
                HERE / name,
                Path(self.build_lib) / "pm_app" / "bundled" / name,
                dirs_exist_ok=True,
                ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
            )


setup(cmdclass={"build_py": BuildWithTemplatesAndMigrations})
