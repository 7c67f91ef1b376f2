"""A renovation project's schedule (issue 26, seed 003): the planned start and completion the
late-completion share compares with the acceptance, which is the actual completion.

Seed 003: "未在规定时间内竣工的项目占比65.08%" — 41 of 63 projects of X区 not completed in the
time set. A project is late when it was accepted after its planned completion, or, not yet
accepted on the report's day, its planned completion has passed (report.py counts both)."""

from __future__ import annotations

from flask_babel import gettext as _

from pm_app.errors import DomainError
from pm_app.warranties.models import RenovationProject


def check_schedule(project: RenovationProject) -> None:
    if project.planned_start and project.planned_completion and project.planned_completion < project.planned_start:
        raise DomainError(
            _("The planned completion cannot come before the planned start."),
            {"planned_completion": [_("is before the planned start")]},
        )
