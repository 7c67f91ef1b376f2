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
    result = fields.Dict(
        allow_none=True,
        metadata={
            "description": "the job's summary; for bills.generate "
            "`{period, totals: {compounds, billed, skipped, created, existing, households_skipped}, "
            "compounds: [{compound_id, code, name, status, reason, party, created, existing, "
            "skipped, notes}]}` — the part done so far when it failed"
        },
    )
    error = fields.Str(allow_none=True)
    created_at = fields.DateTime()
    started_at = fields.DateTime(allow_none=True)
    finished_at = fields.DateTime(allow_none=True)


class JobStartedOut(Schema):
    job_id = fields.Int()
    state = fields.Str()
    total = fields.Int(metadata={"description": "the steps it will take (compounds, rows)"})


class ImportStartedOut(Schema):
    """202 of an import too large to run in the request (PM_APP_IMPORT_INLINE_ROWS)."""

    job_id = fields.Int()
    status_url = fields.Str(metadata={"description": "GET it (the Location header too) for state, progress, result"})
    state = fields.Str(metadata={"example": "queued"})
    total = fields.Int(metadata={"description": "the rows it expects (an estimate until the file is read)"})


IMPORT_202 = (
    "the file is larger than PM_APP_IMPORT_INLINE_ROWS rows: it is imported by a background job, all "
    "or nothing; follow status_url (GET /api/v1/jobs/{id}) to its result, or to `problems` (the first "
    "200 rows) and `problems_total` when it is refused"
)
