"""The five scenarios of issue 15. Each returns (passed, lines of findings)."""

import json
import threading
import time
from collections import Counter

from .harness import PROXY_PORT, Stack
from .load import Browser, Stats, run_mixed

# How long a scenario waits at most for the worker to send what is queued.
DRAIN_SECONDS = 120


def _emails(stack: Stack) -> dict:
    """Where the email queue stands (plain SQL: a Django process per poll is slow)."""
    # Only READY tasks wait: a task left RUNNING by a worker that exited (the
    # database went away as it recorded the end) never runs again, and is shown apart.
    last_id, unsent, waiting, stranded, failed = stack.sql(
        "SELECT (SELECT CASE WHEN is_called THEN last_value ELSE 0 END"
        "        FROM core_outgoingemail_id_seq),"
        " (SELECT count(*) FROM core_outgoingemail),"
        " (SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status = 'READY'),"
        " (SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status = 'RUNNING'),"
        " (SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status = 'FAILED')"
    )
    return {
        "last_id": last_id,
        "unsent": unsent,
        "tasks_waiting": waiting,
        "tasks_running": stranded,
        "tasks_failed": failed,
    }


def _verify_writes(stack: Stack, stats: Stats) -> dict:
    path = stack.workdir / "writes.json"
    path.write_text(json.dumps(stats.writes))
    return json.loads(stack.django("verify", str(path)))


def _drain(stack: Stack, timeout: float = DRAIN_SECONDS) -> tuple[dict, float]:
    """Wait until no email is waiting; the worker restarted if it died (a supervisor's job)."""
    started = time.monotonic()
    while True:
        stack.supervise_worker()
        state = _emails(stack)
        if (state["unsent"] == 0 and state["tasks_waiting"] == 0) or (
            time.monotonic() - started > timeout
        ):
            return state, time.monotonic() - started
        time.sleep(0.5)


class Supervisor:
    """Restarts the task worker if it exits, every half second, while in a `with`."""

    def __init__(self, stack: Stack):
        self.stack, self.stop = stack, threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self):
        while not self.stop.wait(0.5):
            self.stack.supervise_worker()

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(5)


def mixed(stack: Stack, plan: dict, seconds: float) -> tuple[bool, list[str]]:
    """(a) Mixed load through the proxy: zero 5xx, every confirmed write stored."""
    stats = Stats()
    with Supervisor(stack):
        run_mixed(plan, PROXY_PORT, seconds, stats)
        drained, _ = _drain(stack)
    errors = stats.server_errors()
    check = _verify_writes(stack, stats)
    lines = [
        stats.summary(),
        f"server errors: {len(errors)} {errors[:5]}",
        f"confirmed writes missing from the database: {len(check['missing'])} "
        f"of {check['checked']}",
        f"email queue afterwards: {drained}",
    ]
    passed = not errors and not check["missing"] and stats.total > 0 and drained["unsent"] == 0
    return passed, lines


def _probe_recovery(since: float, stop: threading.Event, seen: dict):
    """GET a database page every 50 ms; note the first 200 at or after `since()`."""
    browser = Browser(PROXY_PORT, Stats(), "probe")
    while not stop.is_set():
        status, _ = browser.request("GET", "/networks/", follow=False)
        now = time.monotonic()
        if status != 200:
            seen.setdefault("first_failure", now)
            seen["last_failure"] = now
            seen.setdefault("failures", Counter())[status] += 1
        elif since() is not None and now >= since() and "recovered" not in seen:
            seen["recovered"] = now
        time.sleep(0.05)


def postgres_restart(stack: Stack, plan: dict, seconds: float) -> tuple[bool, list[str]]:
    """(b) The same load with PostgreSQL restarted (-m fast) half way."""
    stats = Stats()
    times: dict = {}
    seen: dict = {}
    stop_probe = threading.Event()
    with Supervisor(stack):
        load = threading.Thread(
            target=run_mixed, args=(plan, PROXY_PORT, seconds, stats), daemon=True
        )
        load.start()
        time.sleep(seconds / 2)
        probe = threading.Thread(
            target=_probe_recovery, args=(lambda: times.get("up"), stop_probe, seen), daemon=True
        )
        probe.start()
        times["restart"] = time.monotonic()
        stack.restart_postgres()
        times["up"] = time.monotonic()
        load.join(seconds + 120)
        stop_probe.set()
        probe.join(10)
        drained, _ = _drain(stack)

    recovered = seen.get("recovered")
    # A 503 is the app's honest "try again" while the database is away: allowed from
    # the restart until the app has recovered (plus the slowest request then in flight).
    window_end = (recovered or times["up"]) + 5

    def allowed(when, status):
        return status == 503 and times["restart"] <= when <= window_end

    errors = stats.server_errors(allowed)
    during = [failure for failure in stats.failures if allowed(failure[0], failure[3])]
    check = _verify_writes(stack, stats)
    lines = [
        stats.summary(),
        f"PostgreSQL down and up again in {times['up'] - times['restart']:.2f} s "
        f"(pg_ctl restart -m fast -w)",
        "first page served after the database was back: "
        + (f"{recovered - times['up']:.2f} s later" if recovered else "never")
        + (f" ({recovered - times['restart']:.2f} s after the restart began)" if recovered else ""),
        f"503s while the database was away: {len(during)}; "
        f"probe saw {dict(seen.get('failures', {}))}",
        f"errors outside that (5xx but 503, refused connections): {len(errors)} {errors[:5]}",
        f"confirmed writes missing from the database: {len(check['missing'])} "
        f"of {check['checked']}",
        f"task worker restarted {stack.worker_restarts} time(s) by the supervisor",
        f"email queue afterwards: {drained}",
    ]
    passed = (
        recovered is not None
        and recovered - times["up"] < 5
        and not errors
        and not check["missing"]
        and drained["unsent"] == 0
    )
    return passed, lines


def smtp_outage(stack: Stack, plan: dict, seconds: float) -> tuple[bool, list[str]]:
    """(c) The mail server down while meetings are published and joins approved:
    every email queued goes out exactly once after it is back."""
    first_id = _emails(stack)["last_id"] + 1
    stats = Stats()
    with Supervisor(stack):
        load = threading.Thread(
            target=run_mixed, args=(plan, PROXY_PORT, seconds, stats), daemon=True
        )
        load.start()
        time.sleep(seconds * 0.15)
        stack.sink.stop()
        down_at = time.monotonic()
        time.sleep(seconds * 0.5)
        waiting = _emails(stack)["unsent"]
        stack.sink.start()
        up_at = time.monotonic()
        load.join(seconds + 120)
        drained, drain_seconds = _drain(stack)
    last_id = _emails(stack)["last_id"]
    expected = json.loads(stack.django("message-ids", str(first_id), str(last_id)))
    received = Counter(message.message_id for message in stack.sink.messages())
    missing = [pk for pk, message_id in expected.items() if received[message_id] == 0]
    twice = [pk for pk, message_id in expected.items() if received[message_id] > 1]
    duplicated_anywhere = [mid for mid, n in received.items() if n > 1]
    errors = stats.server_errors()
    lines = [
        stats.summary(),
        f"mail server down for {up_at - down_at:.0f} s; {waiting} emails waiting when it came back",
        f"emails queued during the scenario: {len(expected)} (ids {first_id}–{last_id}); "
        f"all sent {drain_seconds:.1f} s after the load ended",
        f"never arrived: {len(missing)} {missing[:10]}; arrived more than once: {len(twice)} "
        f"(any Message-ID twice in the whole run: {len(duplicated_anywhere)})",
        f"server errors: {len(errors)} {errors[:5]}",
        f"email queue afterwards: {drained}",
    ]
    passed = (
        len(expected) > 0
        and waiting > 0
        and not missing
        and not twice
        and not duplicated_anywhere
        and not errors
        and drained["unsent"] == 0
    )
    return passed, lines


def registration_race(stack: Stack, plan: dict, rounds: int) -> tuple[bool, list[str]]:
    """(d) 50 signed-in heads register at once for the last 10 places."""
    passed, lines = True, []
    places = plan["race_places_left"]
    racer_ids = [racer["id"] for racer in plan["racers"]]
    for meeting in plan["races"][:rounds]:
        stats = Stats()
        barrier = threading.Barrier(len(plan["racers"]))
        outcomes: Counter = Counter()
        lock = threading.Lock()

        def race(
            racer, meeting=meeting, barrier=barrier, outcomes=outcomes, stats=stats, lock=lock
        ):
            browser = Browser(PROXY_PORT, stats, "racer", racer["session"])
            browser.request("GET", f"/meetings/{meeting}/")
            barrier.wait(60)
            status, page = browser.request("POST", f"/meetings/{meeting}/register/")
            if "You have a place" in page:
                outcome = "place"
            elif "waiting list" in page:
                outcome = "waiting list"
            else:
                outcome = f"other ({status})"
            with lock:
                outcomes[outcome] += 1

        started = time.monotonic()
        threads = [threading.Thread(target=race, args=(racer,)) for racer in plan["racers"]]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        took = time.monotonic() - started
        db = json.loads(stack.django("race", str(meeting), json.dumps(racer_ids)))
        errors = stats.server_errors()
        ok = (
            db["racers_going"] == places
            and db["racers_waiting"] == len(racer_ids) - places
            and db["going"] == db["capacity"]
            and db["racers_registered_twice"] == 0
            and outcomes["place"] == places
            and outcomes["waiting list"] == len(racer_ids) - places
            and not errors
        )
        passed = passed and ok
        lines.append(
            f"meeting {meeting}: {len(racer_ids)} at once for {places} places in {took:.1f} s: "
            f"told {dict(outcomes)}; database {db}; server errors {len(errors)}"
        )
    return passed, lines


def shared_rate_limit(stack: Stack, plan: dict, attempts: int = 12) -> tuple[bool, list[str]]:
    """(e) Two app servers behind one address share allauth's sign-in limit through Redis:
    failed sign-ins for one address are refused after 5 in all, not 5 per server."""
    stats = Stats()
    browser = Browser(PROXY_PORT, stats, "attacker")
    target = plan["heads"][-1]["email"]
    before = Counter(stack.proxy.connections)
    browser.request("GET", "/accounts/login/")
    answers = []
    for _ in range(attempts):
        status, page = browser.request(
            "POST", "/accounts/login/", {"login": target, "password": "not-the-password"},
            follow=False,
        )  # fmt: skip
        # allauth refuses a limited sign-in on the form itself (200), or with 429.
        refused = status == 429 or "Too many failed login attempts" in page
        answers.append("refused" if refused else f"wrong password ({status})")
    per_server = Counter(stack.proxy.connections) - before
    allowed = answers.index("refused") if "refused" in answers else len(answers)
    limit = 5  # allauth's login_failed: 5 per 5 minutes per address
    lines = [
        f"{attempts} wrong passwords for one address through the proxy: {dict(Counter(answers))}",
        f"connections per app server: {dict(per_server)}",
        f"refused from attempt {allowed + 1}: the limit of {limit} held across both servers "
        f"(with a cache per process, up to {limit * 4} would have got through)"
        if allowed == limit
        else f"refused from attempt {allowed + 1}, expected {limit + 1}",
        f"server errors: {len(stats.server_errors())}",
    ]
    passed = (
        allowed == limit
        and all(answer == "refused" for answer in answers[limit:])
        and len(per_server) == 2
        and min(per_server.values()) >= attempts // 2
        and not stats.server_errors()
    )
    return passed, lines
