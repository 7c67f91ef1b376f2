"""How long the city scale (1,130 compounds, ~197,000 households) takes to seed.

    python bench/seed_city.py                                  # a temporary SQLite database
    python bench/seed_city.py postgresql://postgres@127.0.0.1/pm_bench   # ... and this PostgreSQL one

The PostgreSQL database is migrated, seeded inside a transaction, timed, and rolled back, so it
is left as empty as it was (it must hold no compounds to begin with).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402

from pm_app import create_app  # noqa: E402
from pm_app.config import Config, _database_url  # noqa: E402
from pm_app.extensions import db  # noqa: E402
from pm_app.seeding import seed_city  # noqa: E402


def bench(url: str, keep: bool) -> None:
    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = _database_url(url, Config.INSTANCE_DIR)
        SECRET_KEY = "bench"

    app = create_app(BenchConfig)
    with app.app_context():
        upgrade()
        print(f"\n{db.engine.url.render_as_string(hide_password=True)}")
        started = time.perf_counter()
        run = seed_city("city")
        seeded = time.perf_counter()
        db.session.commit() if keep else db.session.rollback()
        finished = time.perf_counter()
        print(f"  {'step':<11} {'seconds':>8}")
        for step, seconds in run.seconds.items():
            print(f"  {step:<11} {seconds:>8.2f}")
        print(f"  {'commit' if keep else 'rollback':<11} {finished - seeded:>8.2f}")
        print(f"  {'total':<11} {finished - started:>8.2f}")
        print("  rows: " + ", ".join(f"{table} {n:,}" for table, n in run.rows.items()))
        db.engine.dispose()


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as folder:
        bench(f"sqlite:///{folder}/bench.db", keep=True)
    for url in sys.argv[1:]:
        bench(url, keep=False)
