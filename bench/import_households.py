"""How fast the household import runs, and how its memory grows with the file.

    python bench/import_households.py                  # 20,000 and 200,000 rows
    python bench/import_households.py 5000 50000       # other sizes
    python bench/import_households.py --rss 200000 [postgresql://… [file.xlsx]]   # one import, peak RSS, as JSON
    python bench/import_households.py --job 200000 [postgresql://…]   # through the job, as users run it (JSON)

`--job` is the path of the pages and of the API above PM_APP_IMPORT_INLINE_ROWS (issue 28): the file
staged in the database, the job started and run by the tracked-jobs runner (here in this process,
JOBS_MODE=sync: the code a worker runs), its progress written through its own connection, its rows
committed in the one transaction. It prints the seconds from the upload to the commit and the
process's peak resident memory, and how the job ended. Give a scratch database: the rows are
committed (without a URL, a temporary SQLite one).

`--rss` is what bench/batch.py runs in a child process: it builds the file, then imports it once
into a new compound of the database given (a temporary SQLite one without a URL; rolled back, so
nothing is left behind) with nothing watching, and prints the seconds and the process's peak
resident memory (before and after the import) as one JSON line: the whole process, not just the
Python objects tracemalloc sees.

For each size it builds an XLSX with openpyxl (write_only) in a temporary folder, then, on a
temporary SQLite database:
  - times one import with nothing watching (rows/second),
  - imports again into a fresh compound under tracemalloc (peak Python memory of the whole import),
  - parses and checks the file without the database under tracemalloc (peak of the parse alone).
Then it prints the 200k/20k (last/first) ratio of each peak, and for comparison the peak of the
smallest file read as a whole workbook. What grows with the rows:
  - read: about 80 bytes a row. openpyxl streams the sheet with ElementTree.iterparse, which
    empties each row element but leaves the empty shell attached to the tree until the end;
  - check: the duplicate check's unit and first row number, kept per building, which have to
    outlive their row so a repeat can name the row it repeats; this dominates;
  - import: the check, plus the compound's registered units (looked up once before reading) and
    one chunk of rows waiting for its INSERT.

openpyxl writes strings inline while Excel writes them to a shared table, and openpyxl leaves out
the sheet size, so the reader makes one extra pass: files saved by Excel read faster than these.
"""

from __future__ import annotations

import json
import re
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
import zipfile
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402
from openpyxl import Workbook, load_workbook  # noqa: E402

from pm_app import create_app  # noqa: E402
from pm_app.auth.models import Role, User  # noqa: E402
from pm_app.common.imports.reading import open_sheet  # noqa: E402
from pm_app.common.imports.rows import read_file  # noqa: E402
from pm_app.config import Config, _database_url  # noqa: E402
from pm_app.extensions import db  # noqa: E402
from pm_app.org.import_columns import LAYOUT, RowChecker  # noqa: E402
from pm_app.org.imports import import_households  # noqa: E402
from pm_app.org.models import Compound, District, ManagementMode, Street  # noqa: E402

HEADER = ("building", "unit", "floor_area_m2", "owner_name", "owner_phone")


def build_xlsx(path: Path, rows: int) -> None:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(HEADER)
    for i in range(rows):
        sheet.append(
            (f"{i // 120 + 1}号楼", f"{i % 120 // 4 + 1}-{i:06d}", round(86.4 + i % 50, 2), "王小明", "13812345678")
        )
    workbook.save(path)


INLINE = re.compile(rb'<c r="([A-Z]+[0-9]+)" t="inlineStr"><is><t[^>]*>(.*?)</t></is></c>')
SST_TYPE = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
SST_REL = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def excel_like(path: Path) -> None:
    """Rewrite an openpyxl workbook the way Excel and WPS save one: each text once in a shared
    string table, the cells pointing at it, and the sheet's size recorded. openpyxl writes every text
    inline, which its reader then parses cell by cell through its slowest path, and leaves the size
    out, which costs its reader a whole extra pass; uploads come from Excel and WPS."""
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    strings: dict[bytes, int] = {}

    def shared(match: re.Match) -> bytes:
        index = strings.setdefault(match.group(2), len(strings))
        return b'<c r="%s" t="s"><v>%d</v></c>' % (match.group(1), index)

    sheet = INLINE.sub(shared, parts["xl/worksheets/sheet1.xml"])
    # Excel also records the sheet's size; without it openpyxl reads the whole sheet once to find it.
    last = re.findall(rb'<c r="([A-Z]+[0-9]+)"', sheet[-4000:])[-1]
    parts["xl/worksheets/sheet1.xml"] = sheet.replace(
        b"<sheetViews>", b'<dimension ref="A1:%s" /><sheetViews>' % last, 1
    )
    parts["xl/sharedStrings.xml"] = (
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">'
        % (len(strings), len(strings))
        + b"".join(b"<si><t>%s</t></si>" % text for text in strings)
        + b"</sst>"
    )
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="%s" /></Types>' % SST_TYPE
    )
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Type="%s" Target="sharedStrings.xml" Id="rIdSST" /></Relationships>' % SST_REL,
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)


def read_only(path: Path) -> int:
    with path.open("rb") as upload:
        return sum(1 for _ in open_sheet(upload))


def whole_workbook(path: Path) -> int:
    """What reading without streaming would cost: every cell an object, all at once."""
    workbook = load_workbook(path, data_only=True)
    return workbook.active.max_row


def read_and_check(path: Path) -> int:
    with path.open("rb") as upload:
        outcome = read_file(upload, LAYOUT, RowChecker({}).check, lambda _number, _values: None)
        assert not outcome.errors, dict(outcome.errors)
        return outcome.rows


def new_compound(street: Street, n: int) -> Compound:
    compound = Compound(
        code=f"BENCH-{n}", name=f"测试小区{n}", street_id=street.id, management_mode=ManagementMode.professional
    )
    db.session.add(compound)
    db.session.flush()
    return compound


def traced(func):
    tracemalloc.start()
    started = time.perf_counter()
    result = func()
    seconds = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return result, seconds, peak


@contextmanager
def bench_city(folder: str, url: str | None, username: str, jobs_mode: str | None = None):
    """An app on `url` (else a SQLite file in `folder`), migrated, with a street and an admin to
    import as (flushed, not committed), inside a request: problems are translated, and gettext
    needs a request to pick a language."""

    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = _database_url(url, Path(folder)) if url else f"sqlite:///{folder}/bench.db"
        INSTANCE_DIR = Path(folder)
        SECRET_KEY = "bench"
        JOBS_MODE = jobs_mode

    app = create_app(BenchConfig)
    with app.app_context(), app.test_request_context("/?lang=en"):
        upgrade()
        street = Street(name="测试街道", district=District(name="测试区"))
        admin = User(username=username, password_hash="-", role=Role.admin)
        db.session.add_all([street, admin])
        db.session.flush()
        yield street, admin


def main(sizes: list[int]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        with bench_city(folder, None, "bench") as (street, admin):
            db.session.commit()
            peaks = {}
            print(
                f"{'rows':>8} {'file MB':>8} {'import s':>9} {'rows/s':>8}   peak MB: {'read':>6} {'+check':>7} {'import':>7}"
            )
            for n, size in enumerate(sizes):
                path = Path(folder) / f"households_{size}.xlsx"
                build_xlsx(path, size)
                with path.open("rb") as upload:
                    started = time.perf_counter()
                    result = import_households(admin, new_compound(street, 2 * n), upload)
                    db.session.commit()
                    seconds = time.perf_counter() - started
                assert result.imported == size, result
                with path.open("rb") as upload:
                    compound = new_compound(street, 2 * n + 1)
                    _result, _s, import_peak = traced(lambda: import_households(admin, compound, upload))
                    db.session.commit()
                _rows, _s, read_peak = traced(lambda: read_only(path))
                _rows, _s, check_peak = traced(lambda: read_and_check(path))
                peaks[size] = (read_peak, check_peak, import_peak)
                print(
                    f"{size:>8,} {path.stat().st_size / 1e6:>8.1f} {seconds:>9.1f} {size / seconds:>8,.0f}   "
                    f"{'':>8} {read_peak / 1e6:>6.1f} {check_peak / 1e6:>7.1f} {import_peak / 1e6:>7.1f}"
                )
            if len(sizes) > 1:
                first, last = sizes[0], sizes[-1]
                ratios = [peaks[last][i] / peaks[first][i] for i in range(3)]
                print(
                    f"\npeak memory, {last:,} rows / {first:,} rows ({last / first:.0f}x the rows): "
                    f"read {ratios[0]:.1f}x, read+check {ratios[1]:.1f}x, import {ratios[2]:.1f}x"
                )
                first_path = Path(folder) / f"households_{first}.xlsx"
                _rows, _s, whole_peak = traced(lambda: whole_workbook(first_path))
                print(
                    f"for comparison, {first:,} rows read as a whole workbook (not read_only): "
                    f"{whole_peak / 1e6:.1f} MB peak"
                )
                growth = (peaks[last][1] - peaks[first][1]) / (last - first)
                print(
                    f"the check keeps about {growth:.0f} bytes per row: the unit and first row number of the "
                    "duplicate check, which must outlive the row to name a repeat"
                )
            db.engine.dispose()


def peak_rss_mb() -> float:
    """This process's peak resident memory. Linux's VmHWM, not getrusage's ru_maxrss: a child's
    ru_maxrss starts at its parent's size when forked, so it would report the parent's peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # not Linux: the best there is


def rss_run(rows: int, url: str | None, built: Path | None = None) -> dict:
    """One timed import of `rows` rows in a rolled-back transaction, with the peak RSS around it;
    `built`: a file of that many rows made earlier with build_xlsx, to save building it again."""
    with tempfile.TemporaryDirectory() as folder:
        path = built or Path(folder) / f"households_{rows}.xlsx"
        if built is None:
            build_xlsx(path, rows)
        file_mb = path.stat().st_size / 1e6
        with bench_city(folder, url, "bench-import") as (street, admin):
            compound = new_compound(street, 0)
            before = peak_rss_mb()
            with path.open("rb") as upload:
                started = time.perf_counter()
                result = import_households(admin, compound, upload)
                db.session.flush()
                seconds = time.perf_counter() - started
            db.session.rollback()
            db.engine.dispose()
        assert result.imported == rows, result
        return {
            "rows": rows,
            "file_mb": round(file_mb, 1),
            "seconds": round(seconds, 2),
            "rows_per_second": round(rows / seconds),
            "peak_rss_mb_before": round(before, 1),
            "peak_rss_mb": round(peak_rss_mb(), 1),
            "database": "postgresql" if url and url.startswith("postgres") else "sqlite",
        }


def job_run(rows: int, url: str | None) -> dict:
    """One import of `rows` rows through the import job, from the staged upload to its commit.
    The file is built by a child process, so this one's peak memory is the import's alone; CPU
    seconds are given beside the wall clock, which a busy shared machine stretches."""
    from pm_app.jobs import imports, services, uploads
    from pm_app.jobs.models import Job

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"households_{rows}.xlsx"
        subprocess.run([sys.executable, __file__, "--build", str(rows), str(path)], check=True)
        file_mb = path.stat().st_size / 1e6
        with bench_city(folder, url, f"bench-job-{time.time_ns()}", jobs_mode="sync") as (street, admin):
            compound = new_compound(street, time.time_ns() % 1_000_000_000)
            db.session.commit()
            before = peak_rss_mb()
            started, cpu = time.perf_counter(), time.process_time()
            with path.open("rb") as upload:
                staged = uploads.stage(admin, "households", compound.id, upload, path.name, {})
            job = imports.start(admin, staged)
            db.session.commit()
            job_id = job.id
            services.launch(job_id)  # sync: the runner a worker would run, here
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
            db.session.expire_all()
            job = db.session.get(Job, job_id)
            outcome = {
                "state": job.state,
                "error": job.error,
                "progress": job.progress,
                "imported": (job.result or {}).get("imported"),
            }
            db.engine.dispose()
    return {
        "rows": rows,
        "file_mb": round(file_mb, 1),
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "rows_per_second": round(rows / seconds),
        "peak_rss_mb_before": round(before, 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        **outcome,
        "database": "postgresql" if url and url.startswith("postgres") else "sqlite",
    }


if __name__ == "__main__":
    if sys.argv[1:2] == ["--build"]:  # job_run's child: the file, Excel-like
        build_xlsx(Path(sys.argv[3]), int(sys.argv[2]))
        excel_like(Path(sys.argv[3]))
    elif sys.argv[1:2] == ["--job"]:
        print(json.dumps(job_run(int(sys.argv[2]), sys.argv[3] if len(sys.argv) > 3 else None), ensure_ascii=False))
    elif sys.argv[1:2] == ["--rss"]:
        url, built = (sys.argv[3:] + [None, None])[:2]
        print(json.dumps(rss_run(int(sys.argv[2]), url, Path(built) if built else None)))
    else:
        main([int(arg) for arg in sys.argv[1:]] or [20_000, 200_000])
