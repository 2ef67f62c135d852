"""`make bench`'s announcement fan-out: an announcement to everyone in the largest
network (england-heads, 22,710 members at scale 1.0), sent as a person sends one.

The network's administrator, signed in, writes the draft in the composer and presses
"Send now" against the benchmark's gunicorn, with the database task backend, so the
request only queues the fan-out. Task workers (`manage.py run_worker`, without the
scheduler, so nothing else runs), started before the send and idle until it, send
every copy to an SMTP sink on loopback (loadtest.net's). Measured:

- the send request: from the POST to its answer (the issue asks under a second), and
  the page the sender then lands on;
- the fan-out (delivery rows written and batches queued), and the time from the send
  to the last copy marked sent, with the messages a second it makes;
- that every member who takes announcements at once got exactly one copy, with their
  own Message-ID (the addresses by the app's rule, against what reached the sink);
- memory: the peak resident size (VmHWM) of each task worker and each web worker.

Afterwards the workers are stopped and the announcement is deleted with its delivery
rows, task rows and audit events (bench/announce.py), so every run starts alike and
the network's sending limits are not used up. Nothing else in the database changes.
"""

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import psycopg

from loadtest.load import Browser, Stats
from loadtest.net import Loop, SmtpSink, tally

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
NAME = "Announcement fan-out"
TARGET_SECONDS = 1.0
BODY = (
    "Dear colleagues,\n\nThe spring conference is on **Thursday 12 March** in Birmingham. "
    "Places are limited: [book yours on the network's page](https://example.org/).\n\n"
    "## What is on\n\nWorkshops on budgets, inspection and wellbeing, and time to meet "
    "heads from every region.\n\nWith best wishes,\nThe coordinators"
)
POLL_SECONDS = 0.5


def _inside(env: dict[str, str], *args: str) -> dict:
    """Run bench.announce (Django, the bench's settings and database); its JSON."""
    result = subprocess.run(
        [PYTHON, "-m", "bench.announce", *args],
        cwd=ROOT, env=env, check=True, text=True, stdout=subprocess.PIPE,
    )  # fmt: skip
    return json.loads(result.stdout)


def _sql(database: str, query: str, params: list | None = None) -> tuple:
    with psycopg.connect(database, connect_timeout=10) as connection:
        return connection.execute(query, params).fetchone()


def memory_mb(pid: int) -> dict[str, float]:
    """The process's resident size now (VmRSS) and at its peak (VmHWM), in MB."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = int(value.split()[0]) / 1024  # kB
    return found


def cpu_seconds(pid: int) -> float:
    """The CPU time the process has used so far, user and system."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_times() -> tuple[int, int]:
    """(busy, all) clock ticks of every core since boot (/proc/stat)."""
    ticks = [int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = ticks[3] + ticks[4]  # idle and waiting for I/O
    return sum(ticks) - idle, sum(ticks)


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (gunicorn's workers)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue  # gone meanwhile
            # The second field (the name) is in brackets and may hold spaces.
            if int(stat.rpartition(")")[2].split()[1]) == pid:
                found.append(int(entry.name))
    return sorted(found)


def _start_workers(count: int, env: dict[str, str], smtp_port: int, log) -> list:
    worker_env = env | {
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_USE_TLS": "false",
    }
    return [
        subprocess.Popen(
            [
                PYTHON,
                "manage.py",
                "run_worker",
                "--no-scheduler",
                "--no-startup-delay",
                "--worker-id",
                f"bench-{n}",
            ],
            cwd=ROOT,
            env=worker_env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        for n in range(1, count + 1)
    ]


def _stop(process: subprocess.Popen) -> None:
    for sig, wait in ((signal.SIGTERM, 30), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
            process.wait(wait)
            return
        except ProcessLookupError:
            return
        except subprocess.TimeoutExpired:
            continue


def _wait_for_workers(database: str, workers: list, timeout: float = 60) -> None:
    """Until every worker has written its heartbeat: it is then polling for tasks."""
    ids = [f"bench-{n}" for n in range(1, len(workers) + 1)]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(worker.poll() is not None for worker in workers):
            raise RuntimeError("a task worker stopped at start; see bench/worker.log")
        query = "SELECT count(*) FROM core_workerheartbeat WHERE worker_id = ANY(%s)"
        if _sql(database, query, [ids])[0] == len(ids):
            return
        time.sleep(0.2)
    raise RuntimeError("the task workers did not start within a minute; see bench/worker.log")


def _compose(browser: Browser, slug: str, subject: str, database: str, result: dict) -> int:
    """Write the draft in the composer, as its sender would; its id."""
    new = f"/networks/{slug}/announcements/new/"
    started = time.monotonic()
    status, page = browser.request("GET", new)
    result["composer_seconds"] = time.monotonic() - started
    result["composer_kb"] = len(page.encode()) / 1024
    if status != 200:
        raise RuntimeError(f"GET {new} answered {status}: is the sender still signed in?")
    form = {"audience": "network", "subject": subject, "body": BODY, "then": "preview"}
    status, page = browser.request("POST", new, form)
    if status != 302 or "Send now" not in page:
        raise RuntimeError(f"POST {new} answered {status} without the preview")
    return _sql(
        database,
        "SELECT id FROM announcements_announcement WHERE subject = %s AND state = 'draft'"
        " ORDER BY id DESC LIMIT 1",
        [subject],
    )[0]


def _progress(database: str, announcement_id: int) -> tuple:
    """(state, fanned out at, sent at, copies sent, last copy sent at), times in epoch s."""
    return _sql(
        database,
        "SELECT a.state, extract(epoch FROM a.fanned_out_at)::float8,"
        " extract(epoch FROM a.sent_at)::float8, count(d.id),"
        " extract(epoch FROM max(d.sent_at))::float8"
        " FROM announcements_announcement a LEFT JOIN announcements_delivery d"
        "   ON d.announcement_id = a.id AND d.status = 'sent'"
        " WHERE a.id = %s GROUP BY a.id",
        [announcement_id],
    )


def measure(args, env: dict[str, str], server: subprocess.Popen) -> dict:
    """Send the announcement through the running gunicorn and time its copies out."""
    database = args.database
    plan = _inside(env, "prepare")
    if plan["cleaned"]:
        print(f"  removed what an earlier run left: {plan['cleaned']}", flush=True)
    loop = Loop()
    sink = SmtpSink(loop, args.smtp_port)
    sink.start()
    log = (ROOT / "bench" / "worker.log").open("w")
    workers = _start_workers(args.workers, env, args.smtp_port, log)
    result: dict = {"plan": {k: v for k, v in plan.items() if k != "cookie"}}
    try:
        _wait_for_workers(database, workers)
        web = children(server.pid)
        result["web_before"] = [memory_mb(pid) for pid in web]
        browser = Browser(args.port, Stats(), "sender")
        name, _, value = plan["cookie"].partition("=")
        browser.cookies[name] = value
        announcement_id = _compose(browser, plan["slug"], plan["subject"], database, result)
        detail = f"/networks/{plan['slug']}/announcements/{announcement_id}/"

        cpu_before = sum(os.times()[:2])  # this process: the sink, on its own thread
        machine_before = machine_times()
        sent_wall, sent = time.time(), time.monotonic()
        status, _ = browser.request(
            "POST", f"{detail}send/", {"when": "now"}, follow=False
        )  # the button "Send now", as pressed on the preview
        result["request_seconds"] = time.monotonic() - sent
        if status != 302:
            raise RuntimeError(f"the send answered {status}, not a redirect to the announcement")
        landed = time.monotonic()
        status, page = browser.request("GET", detail)
        result["landing_seconds"] = time.monotonic() - landed
        if status != 200:
            raise RuntimeError(f"GET {detail} answered {status}")
        print(
            f"  sent: the request answered in {result['request_seconds'] * 1000:.0f} ms; "
            f"waiting for {plan['reach']['at_once']:,} copies",
            flush=True,
        )

        deadline = sent + args.announcement_timeout
        reported = sent
        while True:
            state, fanned_out, sent_at, copies, last_copy = _progress(database, announcement_id)
            if state == "sent" or time.monotonic() > deadline:
                break
            if all(worker.poll() is not None for worker in workers):
                break
            if time.monotonic() - reported >= 15:
                reported = time.monotonic()
                print(f"  {copies:,} copies sent after {reported - sent:.0f} s", flush=True)
            time.sleep(POLL_SECONDS)
        result.update(
            state=state,
            fan_out_seconds=(fanned_out - sent_at) if fanned_out else None,
            copies_sent=copies,
            last_copy_seconds=(last_copy - sent_wall) if last_copy else None,
            workers=[memory_mb(worker.pid) for worker in workers if worker.poll() is None],
            workers_cpu=[cpu_seconds(worker.pid) for worker in workers if worker.poll() is None],
            sink_cpu=sum(os.times()[:2]) - cpu_before,
            machine_busy=_busy(machine_before, machine_times()),
            workers_stopped=sum(worker.poll() is not None for worker in workers),
            web_after=[memory_mb(pid) for pid in web],
        )
        received = sink.messages()
        if received:
            result["sink_first_seconds"] = received[0].at - sent
            result["sink_last_seconds"] = received[-1].at - sent
        check = _inside(env, "expected", str(announcement_id))
        result["deliveries"] = check["deliveries"]
        result["tally"] = tally(check["expected"], received)
    finally:
        for worker in workers:
            _stop(worker)
        log.close()
        sink.stop()
        loop.close()
        result["cleaned"] = _inside(env, "clean")
    return result


def _busy(before: tuple[int, int], after: tuple[int, int]) -> float:
    return (after[0] - before[0]) / max(after[1] - before[1], 1)


def passed(result: dict) -> bool:
    return (
        result.get("request_seconds", 99) < TARGET_SECONDS
        and result.get("state") == "sent"
        and result["tally"].exactly_once
        and result["tally"].expected == result["plan"]["reach"]["at_once"]
    )


def _mb(figures: list[dict], key: str = "VmHWM") -> str:
    return ", ".join(f"{figure[key]:.0f}" for figure in figures) + " MB"


def _seconds(value: float | None, unit: str = "s") -> str:
    if value is None:
        return "never"
    return f"{value * 1000:.0f} ms" if unit == "ms" else f"{value:.1f} s"


def table(result: dict, args) -> str:
    """The fan-out's lines for bench/results.md."""
    plan, found = result["plan"], result["tally"]
    at_once = plan["reach"]["at_once"]
    last, copies = result["last_copy_seconds"], result["copies_sent"]
    sink_span = result.get("sink_last_seconds", 0) - result.get("sink_first_seconds", 0)
    request = result["request_seconds"]
    once = "each once, with their own Message-ID" if found.exactly_once else found.summary()
    if result["state"] != "sent":
        once += f"; the announcement is {result['state']}, not sent, after the time allowed"
    worker_cpu = sum(result["workers_cpu"])
    lines = [
        f"{NAME}: an announcement to everyone in {plan['slug']} ({plan['members']:,} members, "
        f"{plan['reach']['people']:,} people with its sub-groups, {at_once:,} taking "
        'announcements at once), written in the composer and sent with "Send now" by its '
        "administrator on the same gunicorn (database task backend); "
        f"{args.workers} `run_worker` (no scheduler) sending over SMTP to a sink on loopback "
        "(loadtest.net). Memory: peak resident size (VmHWM).",
        "",
        "| Measure | Figure | Target |",
        "|---|---:|---|",
        f"| The composer's page ({result['composer_kb']:.0f} KB) "
        f"| {_seconds(result['composer_seconds'], 'ms')} | |",
        f"| The send request (POST until its answer) | {_seconds(request, 'ms')} "
        f"| {'met' if request < TARGET_SECONDS else 'missed'}: < 1 s |",
        f"| The page the sender lands on | {_seconds(result['landing_seconds'], 'ms')} | |",
        f"| Fan-out: {at_once:,} delivery rows written, batches queued "
        f"| {_seconds(result['fan_out_seconds'])} | |",
        f"| From the send to the last copy marked sent | {_seconds(last)} | |",
        f"| Messages a second, from the send (at the sink, first to last) "
        f"| {copies / last if last else 0:.0f} ({found.received / max(sink_span, 0.001):.0f}) "
        "| |",
        f"| Copies at the sink, for the people taking it at once | {found.received:,} "
        f"for {found.expected:,} | {'met' if passed(result) else 'missed'}: {once} |",
        f"| CPU: each task worker (a copy); the sink; the machine's cores busy "
        f"| {', '.join(f'{cpu:.0f}' for cpu in result['workers_cpu'])} s "
        f"({worker_cpu / max(copies, 1) * 1000:.1f} ms); {result['sink_cpu']:.0f} s; "
        f"{result['machine_busy']:.0%} | |",
        f"| Peak memory, each task worker | {_mb(result['workers'])} | |",
        f"| Peak memory, each web worker (resident before the send) "
        f"| {_mb(result['web_after'])} ({_mb(result['web_before'], 'VmRSS')}) | |",
    ]
    return "\n".join(lines)
