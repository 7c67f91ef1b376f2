"""Imports as background jobs (issue 28): a large API upload answers 202 with a job that imports
the file all or nothing; the pages go upload → preview → 确认导入 → the job's page; an upload and
its job are nobody else's."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from pm_app.common.clock import now
from pm_app.common.imports import registry
from pm_app.extensions import db
from pm_app.jobs.models import ImportUpload, Job
from pm_app.org.models import Household
from tests.import_jobs.conftest import confirm, csv_bytes, login, page_upload, preview_url, rows_of

URL = "/api/v1/imports/households?lang=en"


def households(compound) -> int:
    return db.session.scalar(select(func.count()).select_from(Household).where(Household.compound_id == compound.id))


def post(api, user, compound, content: bytes, **fields):
    return api.as_(user).post(
        URL,
        data={"compound_id": str(compound.id), "file": (io.BytesIO(content), "h.csv"), **fields},
        content_type="multipart/form-data",
    )


@pytest.fixture
def inline_10(app, monkeypatch):
    """Files of more than 10 rows go through a job."""
    monkeypatch.setitem(app.config, "IMPORT_INLINE_ROWS", 10)


def test_a_large_file_answers_202_and_its_job_holds_the_result(api, city, officer, inline_10):
    before = households(city.compound)
    response = post(api, officer, city.compound, csv_bytes(rows_of(50)))
    assert response.status_code == 202, response.json
    job_url = f"/api/v1/jobs/{response.json['job_id']}"
    assert response.headers["Location"] == job_url == response.json["status_url"]
    job = api.as_(officer).get(job_url).json
    assert job["kind"] == "imports.households" and job["state"] == "finished", job
    assert job["result"]["imported"] == 50 and job["result"]["compound_id"] == city.compound.id
    assert job["progress"]["done"] == job["progress"]["total"] >= 50
    assert households(city.compound) == before + 50
    # The staged file is gone with its job.
    assert db.session.scalar(select(func.count()).select_from(ImportUpload)) == 0


def test_a_small_file_still_answers_at_once(api, city, officer, inline_10):
    response = post(api, officer, city.compound, csv_bytes(rows_of(5)))
    assert response.status_code == 201 and response.json["imported"] == 5
    assert db.session.scalar(select(func.count()).select_from(Job)) == 0
    bad = post(api, officer, city.compound, csv_bytes([("10号楼", "", "50", "", "")]))
    assert bad.status_code == 422 and "2" in bad.json["errors"]


def test_a_refused_file_fails_its_job_with_the_first_200_problems_and_their_total(api, city, officer, inline_10):
    rows = [("20号楼", f"{i:05d}", "zero", "", "") for i in range(250)]
    before = households(city.compound)
    response = post(api, officer, city.compound, csv_bytes(rows + rows_of(30, 10)))
    job = api.as_(officer).get(response.json["status_url"]).json
    assert job["state"] == "failed" and "nothing was imported" in job["error"]
    assert len(job["result"]["problems"]) == 200 and job["result"]["problems_total"] == 250
    assert "2" in job["result"]["problems"] and "251" not in job["result"]["problems"]
    assert households(city.compound) == before


def test_the_api_documents_the_202(api):
    spec = api.client.get("/api/v1/openapi.json").get_json()
    for path in (
        "/api/v1/imports/households",
        "/api/v1/imports/bills",
        "/api/v1/imports/hotline",
        "/api/v1/projects/{project_id}/items/import",
    ):
        answers = spec["paths"][path]["post"]["responses"]
        assert "202" in answers and "201" in answers and "422" in answers, path


@pytest.mark.commits
def test_progress_is_seen_by_others_while_the_import_has_written_nothing_they_can_see(app, city, officer, monkeypatch):
    """The job's progress goes through its own connection; the rows wait for the one commit."""
    from pm_app.jobs import imports, uploads

    db.session.commit()  # the city, for the connections below
    seen = {}
    real = registry.KINDS["households"]

    def watched(user, target, stream, options, progress):
        result = real.run(user, target, stream, options, None)  # every row written, not committed
        progress(600, 1200)
        job = db.session.scalar(select(Job).order_by(Job.id.desc()))
        with db.engine.connect() as other:
            if db.engine.dialect.name == "postgresql":
                seen["progress"] = tuple(
                    other.execute(
                        text("SELECT progress_done, progress_total FROM job WHERE id = :id"), {"id": job.id}
                    ).one()
                )
                seen["rows"] = other.execute(
                    text("SELECT count(*) FROM household WHERE compound_id = :id"), {"id": city.compound.id}
                ).scalar()
            else:  # one writer: the progress is this process's (liveness.LIVE_PROGRESS)
                seen["progress"] = (job.progress["done"], job.progress["total"])
                seen["rows"] = 1  # the household the city has: SQLite's reader would wait on the writer
        return result

    monkeypatch.setitem(registry.KINDS, "households", replace(real, run=watched))
    with app.test_request_context("/?lang=en"):
        upload = uploads.stage(officer, "households", city.compound.id, io.BytesIO(csv_bytes(rows_of(40))), "h.csv", {})
        job = imports.start(officer, upload)
        db.session.commit()
        from pm_app.jobs import services

        services.launch(job.id)
        db.session.expire_all()
        finished = db.session.get(Job, job.id)
    assert seen == {"progress": (600, 1200), "rows": 1}  # mid-way: half done, none of it visible
    assert finished.state == "finished" and households(city.compound) == 41


def test_the_page_previews_then_imports_on_confirmation(client, city, officer, monkeypatch):
    seen = {}
    real = registry.KINDS["households"]

    def previewed(user, target, stream, options, limit=20):
        seen["options"], seen["limit"] = options, limit
        return {
            "columns": [
                {"header": "楼栋", "field": "building", "unit": None},
                {"header": "建筑面积(万㎡)", "field": "floor_area_m2", "unit": "万㎡"},
            ],
            "ignored_columns": ["序号", "身份证号"],
            "rows": [{"row": 3, "values": {"building": "3号楼", "floor_area_m2": "86.40"}}],
            "skipped": {"empty": 1, "totals": 1, "hidden": 2},
            "hidden_rows": [7, 9],
            "problems": [{"row": "12", "problems": ["unit is missing"]}],
        }

    monkeypatch.setitem(registry.KINDS, "households", replace(real, preview=previewed))
    login(client, officer)
    form = client.get(f"/compounds/{city.compound.id}/import?lang=en").get_data(as_text=True)
    assert 'name="include_hidden"' in form and "Upload and preview" in form
    preview = preview_url(
        page_upload(client, f"/compounds/{city.compound.id}/import?lang=en", csv_bytes(rows_of(12)), include_hidden="y")
    )
    page = client.get(preview + "?lang=en").get_data(as_text=True)
    assert seen["options"].include_hidden is True and seen["limit"] == 20
    for shown in (
        "建筑面积(万㎡)",
        "万㎡",
        "序号、身份证号",
        "3号楼",
        "Hidden rows: 7、9",
        "unit is missing",
        "Confirm import",
        city.compound.name,
    ):
        assert shown in page, shown
    assert '<input checked id="include_hidden" name="include_hidden"' in page  # the choice is kept
    assert households(city.compound) == 1  # nothing before the confirmation

    monkeypatch.setitem(registry.KINDS, "households", real)
    done = confirm(client, preview + "?lang=en", include_hidden="y")
    assert done.status_code == 200
    html = done.get_data(as_text=True)
    assert "Rows imported：12" in html and "Import another file" in html
    assert households(city.compound) == 13
    job = db.session.scalar(select(Job).order_by(Job.id.desc()))
    assert job.kind == "imports.households" and job.org_kind == "street" and job.org_id == city.street.id
    assert client.get(preview).status_code == 404  # the file went with its job


def test_a_refused_file_is_listed_on_the_jobs_page(client, city, officer):
    login(client, officer)
    rows = rows_of(20)
    rows[4] = ("10号楼", "", "50", "", "")
    preview = preview_url(page_upload(client, f"/compounds/{city.compound.id}/import", csv_bytes(rows)))
    html = confirm(client, preview + "?lang=en").get_data(as_text=True)
    assert "Nothing was imported" in html and "<td>6</td>" in html and "unit is missing" in html
    assert households(city.compound) == 1


def test_preview_again_keeps_the_changed_choice(client, city, officer):
    login(client, officer)
    preview = preview_url(page_upload(client, f"/compounds/{city.compound.id}/import", csv_bytes(rows_of(3))))
    again = client.post(preview, data={"action": "preview", "include_hidden": "y"})
    assert again.status_code == 200
    upload = db.session.get(ImportUpload, int(preview.rsplit("/", 1)[1]))
    assert upload.options["include_hidden"] is True and households(city.compound) == 1


@pytest.mark.parametrize("role", ["firm_staff", "committee_member", "regulator"])
def test_someone_elses_upload_and_import_job_do_not_exist_for_them(app, client, api, city, officer, role, inline_10):
    login(client, officer)
    preview = preview_url(page_upload(client, f"/compounds/{city.compound.id}/import", csv_bytes(rows_of(3))))
    job_id = (
        api.as_(officer)
        .post(
            URL,
            data={"compound_id": str(city.compound.id), "file": (io.BytesIO(csv_bytes(rows_of(30, 10))), "h.csv")},
            content_type="multipart/form-data",
        )
        .json["job_id"]
    )
    stranger, client = city.users[role], app.test_client()
    login(client, stranger)
    assert client.get(preview).status_code == 404
    assert client.post(preview, data={"action": "confirm"}).status_code == 404
    if role != "regulator":  # the city sees every job (its organisation); the upload stays its uploader's
        assert client.get(f"/jobs/{job_id}").status_code == 404
        assert client.get(f"/jobs/{job_id}/progress").status_code == 404
        assert api.as_(stranger).get(f"/api/v1/jobs/{job_id}").status_code == 404


def test_an_officer_of_another_street_gets_404_for_the_job_and_the_upload(app, client, api, city, officer, inline_10):
    from pm_app.auth.models import Role
    from tests.factories import UserFactory

    other = UserFactory(role=Role.street_officer, streets=[city.other_street])
    login(client, officer)
    preview = preview_url(page_upload(client, f"/compounds/{city.compound.id}/import", csv_bytes(rows_of(3))))
    job = post(api, officer, city.compound, csv_bytes(rows_of(30, 10))).json
    client = app.test_client()
    login(client, other)
    assert client.get(preview).status_code == 404
    assert client.get(f"/jobs/{job['job_id']}").status_code == 404
    assert api.as_(other).get(job["status_url"]).status_code == 404
    assert post(api, other, city.compound, csv_bytes(rows_of(30, 10))).status_code == 404


def test_an_upload_left_a_day_is_swept_at_the_next_one(client, city, officer):
    login(client, officer)
    old = preview_url(page_upload(client, f"/compounds/{city.compound.id}/import", csv_bytes(rows_of(3))))
    db.session.get(ImportUpload, int(old.rsplit("/", 1)[1])).created_at = now() - timedelta(days=1, minutes=1)
    db.session.flush()
    preview_url(page_upload(client, f"/compounds/{city.compound.id}/import", csv_bytes(rows_of(3))))
    left = db.session.scalars(select(ImportUpload.created_at)).all()
    assert len(left) == 1 and left[0] > now() - timedelta(hours=1)
