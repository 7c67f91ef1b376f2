"""Output schemas of the jobs API (design.md §6: `{id, kind, state, progress: {done, total}, result}`)."""
from __future__ import annotations

from marshmallow import Schema, fields

from pm_app.jobs.models import STATES


class ProgressOut(Schema):
    done = fields.Int()
    total = fields.Int()


class JobOut(Schema):
    id = fields.Int()
    kind = fields.Str(metadata={"example": "bills.generate"})
    state = fields.Str(metadata={"enum": list(STATES)})
    progress = fields.Nested(ProgressOut)
    result = fields.Dict(allow_none=True, metadata={"description": "the job's summary; for bills.generate "
                         "`{period, totals: {compounds, billed, skipped, created, existing, households_skipped}, "
                         "compounds: [{compound_id, code, name, status, reason, party, created, existing, "
                         "skipped, notes}]}` — the part done so far when it failed"})
    error = fields.Str(allow_none=True)
    created_at = fields.DateTime()
    started_at = fields.DateTime(allow_none=True)
    finished_at = fields.DateTime(allow_none=True)


class JobStartedOut(Schema):
    job_id = fields.Int()
    state = fields.Str()
    total = fields.Int(metadata={"description": "the steps it will take (compounds, rows)"})
