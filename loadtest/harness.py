"""The processes of a run, each started in its own process group and stopped at the end.

A private PostgreSQL cluster (initdb in a temporary folder, port 5499), so restarting
it never touches the machine's shared server; a private Redis (port 8209) for the
cache the app servers share; two gunicorn servers (8201, 8202) with production
settings behind our proxy (8200); two task workers (`run_worker`, one per app server,
each with its scheduler, as production runs them); the SMTP sink on 2525. Each port
can be moved by an environment variable (LOAD_PG_PORT, LOAD_REDIS_PORT,
LOAD_PROXY_PORT, LOAD_APP_PORTS="8201,8202", LOAD_SMTP_PORT), so two runs on one
machine need not collide.
"""

import glob
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

from .net import Loop, RoundRobinProxy, SmtpSink

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
PG_PORT = int(os.environ.get("LOAD_PG_PORT", 5499))
REDIS_PORT = int(os.environ.get("LOAD_REDIS_PORT", 8209))
SMTP_PORT = int(os.environ.get("LOAD_SMTP_PORT", 2525))
PROXY_PORT = int(os.environ.get("LOAD_PROXY_PORT", 8200))
APP_PORTS = tuple(int(port) for port in os.environ.get("LOAD_APP_PORTS", "8201,8202").split(","))
DATABASE = "headnet_load"
WORKERS = ("worker-a", "worker-b")  # one beside each app server


def pg_bin(name: str) -> str:
    """The newest installed PostgreSQL's program (Debian keeps them per version)."""
    found = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
        key=lambda path: int(path.split("/")[4]),
    )
    if not found:
        raise SystemExit(f"PostgreSQL's {name} is not installed (apt-get install postgresql).")
    return found[-1]


class Stack:
    """Everything a scenario talks to; use as a context manager so it always stops."""

    def __init__(self, log=print):
        self.log = log
        self.workdir = Path(tempfile.mkdtemp(prefix="headnet-load-"))
        self.secret_key = secrets.token_urlsafe(50)
        self.processes: dict[str, subprocess.Popen] = {}
        # Each worker's current id (its name and a generation), and the ones killed.
        self.worker_ids: dict[str, str] = {}
        self.killed_workers: list[str] = []
        self.loop = Loop()
        self.sink = SmtpSink(self.loop, SMTP_PORT)
        self.proxy = RoundRobinProxy(self.loop, PROXY_PORT, list(APP_PORTS))
        self.pgdata = self.workdir / "pgdata"
        # initdb and postgres refuse to run as root: then they run as the postgres user.
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    # The whole stack ------------------------------------------------------------

    def __enter__(self):
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self):
        started = time.monotonic()
        self.start_postgres()
        self._spawn(
            "redis",
            ["redis-server", "--port", str(REDIS_PORT), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.workdir)],
        )  # fmt: skip
        self.sink.start()
        self.manage("migrate", "--noinput", "-v0")
        self.manage("collectstatic", "--noinput", "-v0")
        self.manage("seed_demo", "--force")
        for port in APP_PORTS:
            self._spawn(
                f"gunicorn-{port}",
                [str(ROOT / ".venv" / "bin" / "gunicorn")],
                extra_env={"GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "2"},
            )
        for name in WORKERS:
            self.start_worker(name)
        self.proxy.start()
        for port in (*APP_PORTS, PROXY_PORT):
            self.wait_for_page(port, "/healthz", timeout=60)
        self.log(f"stack up in {time.monotonic() - started:.1f} s (workdir {self.workdir})")

    def stop(self):
        for name in reversed(list(self.processes)):
            self._kill(name)
        self.stop_postgres()
        self.proxy.stop()
        self.sink.stop()
        self.loop.close()
        shutil.rmtree(self.workdir, ignore_errors=True)

    # Environment ----------------------------------------------------------------

    @property
    def database_url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{PG_PORT}/{DATABASE}"

    def env(self) -> dict[str, str]:
        """Production settings (DEBUG off), every service on loopback."""
        env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
        env.update(
            DEBUG="false",
            SECRET_KEY=self.secret_key,
            ALLOWED_HOSTS="127.0.0.1,localhost",
            SITE_URL=f"https://127.0.0.1:{PROXY_PORT}",
            DATABASE_URL=self.database_url,
            REDIS_URL=f"redis://127.0.0.1:{REDIS_PORT}/0",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(SMTP_PORT),
            EMAIL_USE_TLS="false",
            EMAIL_TIMEOUT="5",
            # Seconds, not minutes, so a run sees retries; the schedule is the same.
            EMAIL_RETRY_SECONDS="1",
            EMAIL_RETRY_MAX_SECONDS="4",
            # A dead worker's task is taken over in about 5 s instead of 30.
            WORKER_HEARTBEAT_SECONDS="1",
            WORKER_STALE_SECONDS="5",
            # The client plays the TLS proxy: it sends X-Forwarded-Proto: https.
            TRUST_X_FORWARDED_PROTO="true",
            LOG_LEVEL="WARNING",
        )
        return env

    def manage(self, *args: str, timeout: float = 300) -> str:
        result = subprocess.run(
            [PYTHON, "manage.py", *args],
            cwd=ROOT, env=self.env(), capture_output=True, text=True, timeout=timeout,
        )  # fmt: skip
        if result.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
        return result.stdout

    def django(self, *args: str, timeout: float = 300) -> str:
        """Run loadtest.inside (seeding, checks) with the app's settings and database."""
        result = subprocess.run(
            [PYTHON, "-m", "loadtest.inside", *args],
            cwd=ROOT, env=self.env(), capture_output=True, text=True, timeout=timeout,
        )  # fmt: skip
        if result.returncode != 0:
            raise RuntimeError(f"loadtest.inside {args[0]} failed:\n{result.stderr[-3000:]}")
        return result.stdout

    def sql(self, query: str, params: list | None = None) -> tuple:
        """One row from the run's database."""
        import psycopg  # the app's own driver, in the same virtualenv

        with psycopg.connect(self.database_url, connect_timeout=10) as connection:
            return connection.execute(query, params).fetchone()

    # PostgreSQL -----------------------------------------------------------------

    def _pg(self, *args: str, timeout: float = 60):
        subprocess.run(
            [*self.as_postgres, pg_bin("pg_ctl"), "-D", str(self.pgdata), *args],
            check=True, timeout=timeout, stdout=subprocess.DEVNULL,
        )  # fmt: skip

    def start_postgres(self):
        self.pgdata.mkdir()
        if self.as_postgres:
            self.workdir.chmod(0o755)
            postgres = pwd.getpwnam("postgres")
            os.chown(self.pgdata, postgres.pw_uid, postgres.pw_gid)
        subprocess.run(
            [*self.as_postgres, pg_bin("initdb"), "-D", str(self.pgdata), "-U", "postgres",
             "--auth=trust", "--encoding=UTF8", "--no-sync"],
            check=True, timeout=120, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        options = (
            f"-p {PG_PORT} -c listen_addresses=127.0.0.1 "
            f"-c unix_socket_directories={self.pgdata} -c max_connections=100"
        )
        self._pg("start", "-w", "-t", "60", "-o", options, "-l", str(self.pgdata / "server.log"))
        subprocess.run(
            [pg_bin("createdb"), "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres", DATABASE],
            check=True,
            timeout=60,
        )

    def restart_postgres(self) -> float:
        """pg_ctl restart -m fast: every connection cut; seconds until it accepts again."""
        started = time.monotonic()
        self._pg("restart", "-m", "fast", "-w", "-t", "60")
        return time.monotonic() - started

    def stop_postgres(self):
        if (self.pgdata / "postmaster.pid").exists():
            try:
                self._pg("stop", "-m", "immediate", "-w", "-t", "30")
            except (subprocess.SubprocessError, OSError):
                pid = int((self.pgdata / "postmaster.pid").read_text().split()[0])
                os.kill(pid, signal.SIGKILL)

    # Processes ------------------------------------------------------------------

    def _spawn(self, name: str, command: list[str], extra_env: dict | None = None):
        log = open(self.workdir / f"{name}.log", "ab")  # noqa: SIM115 (the process keeps it)
        self.processes[name] = subprocess.Popen(
            command, cwd=ROOT, env=self.env() | (extra_env or {}),
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        log.close()

    def _kill(self, name: str):
        process = self.processes.pop(name, None)
        if process is None:
            return
        for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
            try:
                os.killpg(process.pid, sig)
            except ProcessLookupError:
                break
            try:
                process.wait(wait)
                break
            except subprocess.TimeoutExpired:
                continue

    def start_worker(self, name: str):
        """Start the named task worker with a fresh id, as a process manager would."""
        generation = sum(killed.startswith(f"{name}-") for killed in self.killed_workers) + 1
        self.worker_ids[name] = f"{name}-{generation}"
        self._spawn(
            name,
            [PYTHON, "manage.py", "run_worker", "--interval", "0.2", "--no-startup-delay",
             "--worker-id", self.worker_ids[name]],
        )  # fmt: skip

    def kill_worker(self, worker_id: str) -> str:
        """SIGKILL the worker with this id, mid-task: no chance to tidy up. Its name."""
        name = next(name for name, known in self.worker_ids.items() if known == worker_id)
        process = self.processes.pop(name)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)
        self.killed_workers.append(worker_id)
        return name

    def workers_exited(self) -> list[str]:
        """Workers that stopped by themselves (not killed by the run): there must be none."""
        return [
            self.worker_ids[name]
            for name in WORKERS
            if name in self.processes and self.processes[name].poll() is not None
        ]

    def server_errors_logged(self) -> str:
        """The tracebacks the servers logged, for a failed run's report."""
        found = []
        for path in sorted(self.workdir.glob("*.log")):
            text = path.read_text(errors="replace")
            for part in text.split("Traceback (most recent call last):")[1:][-3:]:
                found.append(f"--- {path.name}: Traceback{part[-2500:]}")
        return "\n".join(found)

    def wait_for_page(self, port: int, path: str, timeout: float):
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as page:  # noqa: S310
                    if page.status == 200:
                        return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"http://127.0.0.1:{port}{path} did not answer 200 in time")
            time.sleep(0.2)
