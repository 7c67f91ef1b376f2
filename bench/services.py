"""Private PostgreSQL, Redis and gunicorn instances for the fault and load runs.

Every harness in bench/ starts its OWN servers on spare ports in a temporary folder and stops
them at the end, so it can stop, kill and restart them at will without touching the shared
PostgreSQL (5432) or Redis (6379) of the machine. As root, PostgreSQL runs as the `postgres`
user (it refuses to run as root).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(check, timeout: float = 30.0, what: str = "service") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except Exception:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not come up within {timeout:.0f} s")


def port_open(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), 0.3).close()
        return True
    except OSError:
        return False


def app_env(**extra) -> dict:
    """The environment of a child running this checkout's code (not an installed copy)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "TEST_DATABASE_URL")}
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.update({k: str(v) for k, v in extra.items() if v is not None})
    return env


class OwnRedis:
    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.dir = Path(tempfile.mkdtemp(prefix=f"pm-bench-redis-{self.port}-"))

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> OwnRedis:
        subprocess.run(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "yes",
                "--dir",
                str(self.dir),
                "--logfile",
                str(self.dir / "log"),
            ],
            check=True,
        )
        wait_for(lambda: port_open(self.port), what="redis")
        return self

    def stop(self) -> None:
        subprocess.run(["redis-cli", "-p", str(self.port), "shutdown", "nosave"], capture_output=True)
        wait_for(lambda: not port_open(self.port), what="redis stop")

    def close(self) -> None:
        if port_open(self.port):
            self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def _pg_bin(name: str) -> str:
    try:
        bindir = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=True).stdout.strip()
        if (Path(bindir) / name).exists():
            return str(Path(bindir) / name)
    except (OSError, subprocess.CalledProcessError):
        pass
    found = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    return str(found[-1]) if found else name


class OwnPostgres:
    """A throwaway cluster: trust authentication on 127.0.0.1, user `postgres`."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.dir = Path(tempfile.mkdtemp(prefix=f"pm-bench-pg-{self.port}-"))
        self.data = self.dir / "data"
        self.as_root = os.geteuid() == 0

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, *args, check=True):
        command = list(args)
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, check=check, capture_output=True, text=True)

    def start(self) -> OwnPostgres:
        if not self.data.exists():
            if self.as_root:
                shutil.chown(self.dir, "postgres", "postgres")
            self._run(
                _pg_bin("initdb"),
                "-D",
                str(self.data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            )
        self._run(
            _pg_bin("pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.dir / "log"),
            "-w",
            "start",
            "-o",
            f"-c port={self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.dir} "
            f"-c max_connections=200",
        )
        return self

    def stop(self, mode: str = "fast") -> None:
        self._run(_pg_bin("pg_ctl"), "-D", str(self.data), "-w", "-m", mode, "stop", check=False)

    def restart(self, mode: str = "fast") -> None:
        self.stop(mode)
        self.start()

    def createdb(self, name: str) -> str:
        subprocess.run(["createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name], check=True)
        return self.url(name)

    def psql(self, database: str, sql: str) -> str:
        return subprocess.run(
            ["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", database, "-At", "-c", sql],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()

    def close(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)


def prepare_demo(database_url: str, redis_url: str | None, instance: Path) -> None:
    """Migrate and load the demo city with its accounts (`pm-app demo --no-serve`)."""
    instance.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [sys.executable, "-c", "from pm_app.cli import cli; cli()", "demo", "--no-serve"],
        check=True,
        cwd=ROOT,
        env=app_env(DATABASE_URL=database_url, REDIS_URL=redis_url, PM_APP_INSTANCE=instance),
        stdout=subprocess.DEVNULL,
        stderr=(instance / "seed.log").open("ab"),
    )


class Gunicorn:
    """`gunicorn 'pm_app:create_app()'`, as the README deploys it."""

    def __init__(
        self,
        database_url: str,
        redis_url: str | None,
        instance: Path,
        workers: int = 2,
        threads: int = 4,
        port: int | None = None,
        **env,
    ):
        self.port = port or free_port()
        self.command = [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--timeout",
            "60",
            "--graceful-timeout",
            "5",
            "--log-level",
            "warning",
            "pm_app:create_app()",
        ]
        self.env = app_env(
            DATABASE_URL=database_url, REDIS_URL=redis_url, PM_APP_INSTANCE=instance, SECRET_KEY="bench-secret", **env
        )
        self.log = Path(instance) / "gunicorn.log"
        self.process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Gunicorn:
        self.process = subprocess.Popen(
            self.command, cwd=ROOT, env=self.env, stdout=self.log.open("ab"), stderr=subprocess.STDOUT
        )
        wait_for(
            lambda: urllib.request.urlopen(self.base + "/api/v1/openapi.json", timeout=2).status == 200,
            timeout=60,
            what="gunicorn",
        )
        return self

    def worker_pids(self) -> list[int]:
        if self.process is None:
            return []
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(p) for p in children.read_text().split()]
        except OSError:
            return []

    def close(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0
