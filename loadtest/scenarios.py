"""The scenarios of issues 15 and 20. Each returns (passed, lines of findings)."""

import json
import secrets
import threading
import time
from collections import Counter

from .harness import PROXY_PORT, Stack
from .load import Browser, Stats, run_mixed
from .net import tally

# How long a scenario waits at most for the workers to send what is queued.
DRAIN_SECONDS = 120


def _emails(stack: Stack) -> dict:
    """Where the email queue stands (plain SQL: a Django process per poll is slow)."""
    last_id, unsent, waiting, running, failed = stack.sql(
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
        "tasks_running": running,
        "tasks_failed": failed,
    }


def _verify_writes(stack: Stack, stats: Stats) -> dict:
    path = stack.workdir / "writes.json"
    path.write_text(json.dumps(stats.writes))
    return json.loads(stack.django("verify", str(path)))


def _drain(stack: Stack, timeout: float = DRAIN_SECONDS) -> tuple[dict, float]:
    """Wait until no email is waiting and no task is waiting or running. Nobody restarts
    a worker here: the workers must carry on by themselves."""
    started = time.monotonic()
    while True:
        state = _emails(stack)
        idle = state["tasks_waiting"] == 0 and state["tasks_running"] == 0
        if (state["unsent"] == 0 and idle) or time.monotonic() - started > timeout:
            return state, time.monotonic() - started
        time.sleep(0.5)


def _deliveries(stack: Stack, first_id: int) -> dict:
    """Every email queued from `first_id` on, by its Message-ID: which never arrived at
    the sink, which arrived more than once, and any Message-ID seen twice in the run."""
    last_id = _emails(stack)["last_id"]
    expected = json.loads(stack.django("message-ids", str(first_id), str(last_id)))
    received = Counter(message.message_id for message in stack.sink.messages())
    return {
        "expected": expected,
        "missing": [pk for pk, message_id in expected.items() if received[message_id] == 0],
        "twice": [pk for pk, message_id in expected.items() if received[message_id] > 1],
        "twice_in_run": [mid for mid, n in received.items() if n > 1],
    }


def _delivery_line(found: dict) -> str:
    return (
        f"emails queued: {len(found['expected'])}; never arrived: {len(found['missing'])} "
        f"{found['missing'][:10]}; arrived more than once: {len(found['twice'])} "
        f"(any Message-ID twice in the whole run: {len(found['twice_in_run'])})"
    )


def _delivered_once(found: dict) -> bool:
    return not found["missing"] and not found["twice"] and not found["twice_in_run"]


def _announcement_copies(stack: Stack, announcement: dict) -> tuple[dict, object, float | None]:
    """What the app says of the announcement, and what reached the sink: each member of
    its audience once? And seconds from the send to the last copy at the sink."""
    subject = announcement["subject"]
    app = json.loads(stack.django("announcement-copies", subject))
    copies = [message for message in stack.sink.messages() if subject in message.subject]
    last = max((message.at for message in copies), default=None)
    took = last - announcement["sent_at"] if last and "sent_at" in announcement else None
    return app, tally(app["expected"], copies), took


def mixed(stack: Stack, plan: dict, seconds: float) -> tuple[bool, list[str]]:
    """(a) Mixed load through the proxy: zero 5xx, every confirmed write stored; an
    announcement sent during it reaches every member of its network exactly once."""
    stats = Stats()
    announcement = {"subject": f"Loadshire news {secrets.token_hex(4)}"}
    run_mixed(plan, PROXY_PORT, seconds, stats, announcement=announcement)
    drained, _ = _drain(stack)
    errors = stats.server_errors()
    check = _verify_writes(stack, stats)
    exited = stack.workers_exited()
    lines = [
        stats.summary(),
        f"server errors: {len(errors)} {errors[:5]}",
        f"confirmed writes missing from the database: {len(check['missing'])} "
        f"of {check['checked']}",
        f"email queue afterwards: {drained}; task workers that stopped: {exited}",
    ]
    members = plan["announced_network"]["members"]
    if "failed" in announcement:
        lines.append(f"announcement: {announcement['failed']}")
        copies_ok = False
    else:
        app, found, took = _announcement_copies(stack, announcement)
        lines.append(
            f"announcement to the {members} members of {plan['announced_network']['slug']}: "
            f"the send answered in {announcement['seconds'] * 1000:.0f} ms; {found.summary()}; "
            + (f"the last arrived {took:.1f} s after the send; " if took else "")
            + f"{app['state']}, deliveries {app['deliveries']}"
        )
        if not found.exactly_once:
            lines.append(
                f"  missing {found.missing[:5]}, twice {found.twice[:5]}, to someone else "
                f"{found.unexpected[:5]}, another's Message-ID {found.wrong_id[:5]}"
            )
        copies_ok = found.exactly_once and found.expected == members and app["state"] == "sent"
    passed = (
        not errors
        and not check["missing"]
        and stats.total > 0
        and drained["unsent"] == 0
        and not exited
        and copies_ok
    )
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
    first_id = _emails(stack)["last_id"] + 1
    stats = Stats()
    times: dict = {}
    seen: dict = {}
    stop_probe = threading.Event()
    load = threading.Thread(target=run_mixed, args=(plan, PROXY_PORT, seconds, stats), daemon=True)
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
    found = _deliveries(stack, first_id)
    exited = stack.workers_exited()

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
        f"task workers that stopped: {exited} (none restarted: they wait for the database)",
        _delivery_line(found),
        f"email queue afterwards: {drained}",
    ]
    passed = (
        recovered is not None
        and recovered - times["up"] < 5
        and not errors
        and not check["missing"]
        and drained["unsent"] == 0
        and drained["tasks_running"] == 0
        and not exited
        and _delivered_once(found)
    )
    return passed, lines


def smtp_outage(stack: Stack, plan: dict, seconds: float) -> tuple[bool, list[str]]:
    """(c) The mail server down while meetings are published and joins approved:
    every email queued goes out exactly once after it is back."""
    first_id = _emails(stack)["last_id"] + 1
    stats = Stats()
    load = threading.Thread(target=run_mixed, args=(plan, PROXY_PORT, seconds, stats), daemon=True)
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
    found = _deliveries(stack, first_id)
    errors = stats.server_errors()
    lines = [
        stats.summary(),
        f"mail server down for {up_at - down_at:.0f} s; {waiting} emails waiting when it came back",
        _delivery_line(found) + f"; all sent {drain_seconds:.1f} s after the load ended",
        f"server errors: {len(errors)} {errors[:5]}",
        f"email queue afterwards: {drained}",
    ]
    passed = (
        len(found["expected"]) > 0
        and waiting > 0
        and _delivered_once(found)
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
        # allauth refuses a limited sign-in on the form itself (200), or with 429; the
        # words are ours (members.adapters, "too_many_login_attempts").
        refused = status == 429 or "Too many failed sign-in attempts" in page
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


def _email_being_sent(stack: Stack) -> tuple | None:
    """(task id, worker id, email id) of an email task some worker is running now."""
    return stack.sql(
        "SELECT id, worker_ids->>-1, (args_kwargs->'kwargs'->>'email_id')::int"
        " FROM django_tasks_database_dbtaskresult"
        " WHERE status = 'RUNNING' AND task_path = 'core.email.send_email'"
        " ORDER BY started_at LIMIT 1"
    )


def _wait_for(condition, timeout: float, pause: float = 0.05):
    """condition()'s first true answer within the timeout, else None."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if answer := condition():
            return answer
        time.sleep(pause)
    return None


def worker_kill(stack: Stack, plan: dict, seconds: float) -> tuple[bool, list[str]]:
    """(f) Under load, one task worker is killed with SIGKILL in the middle of sending an
    email. The other worker sees its heartbeat stop and sends that email again: every
    email arrives, and none twice."""
    first_id = _emails(stack)["last_id"] + 1
    stats = Stats()
    load = threading.Thread(target=run_mixed, args=(plan, PROXY_PORT, seconds, stats), daemon=True)
    load.start()
    time.sleep(seconds * 0.3)
    # Every sender now waits at DATA, before a byte of its message is sent. After a
    # moment no worker is between the server's "accepted" and the email's deletion,
    # so any email task running is one whose message the server has not taken.
    stack.sink.hold()
    time.sleep(1)
    victim = _wait_for(lambda: stack.sink.held and _email_being_sent(stack), timeout=10)
    killed_at = time.monotonic()
    victim_name = stack.kill_worker(victim[1]) if victim else None
    stack.sink.release()
    taken_over = None
    if victim:
        finished = _wait_for(
            lambda: stack.sql(
                "SELECT status, worker_ids FROM django_tasks_database_dbtaskresult"
                " WHERE id = %s AND status <> 'RUNNING'",
                [victim[0]],
            ),
            timeout=60,
            pause=0.2,
        )
        taken_over = time.monotonic() - killed_at if finished else None
        # The deployment's process manager starts a worker again; nothing waited for it.
        stack.start_worker(victim_name)
    load.join(seconds + 120)
    drained, _ = _drain(stack)
    found = _deliveries(stack, first_id)
    errors = stats.server_errors()
    exited = stack.workers_exited()
    lines = [stats.summary()]
    if victim is None:
        lines.append("no email was being sent when the worker was to be killed")
        return False, lines
    task_id, worker_id, email_id = victim
    final_status, ran_by = stack.sql(
        "SELECT status, worker_ids FROM django_tasks_database_dbtaskresult WHERE id = %s",
        [task_id],
    )
    message_id = found["expected"].get(str(email_id))
    arrived = sum(1 for message in stack.sink.messages() if message.message_id == message_id)
    lines += [
        f"killed {worker_id} (SIGKILL) while it sent email {email_id}; its task "
        + (f"was finished {taken_over:.1f} s later" if taken_over else "never finished")
        + f": {final_status}, claimed by {ran_by}; the email arrived {arrived} time(s)",
        _delivery_line(found),
        f"server errors: {len(errors)} {errors[:5]}; task workers that stopped: {exited}",
        f"email queue afterwards: {drained}",
    ]
    passed = (
        taken_over is not None
        and final_status == "SUCCESSFUL"
        and ran_by[0] == worker_id
        and len(ran_by) >= 2
        and arrived == 1
        and _delivered_once(found)
        and not errors
        and not exited
        and drained["unsent"] == 0
        and drained["tasks_running"] == 0
    )
    return passed, lines


def periodic_once(stack: Stack, plan: dict) -> tuple[bool, list[str]]:
    """(g) Both workers run the scheduler from the start of the run (and the killed one's
    successor since): each periodic command was queued once per slot and ran once."""
    commands = json.loads(stack.django("periodic-commands"))

    def counts():
        return stack.sql(
            "WITH task AS (SELECT status, worker_ids, args_kwargs->'kwargs' AS kwargs"
            "   FROM django_tasks_database_dbtaskresult"
            "   WHERE task_path = 'core.scheduler.run_periodic')"
            " SELECT (SELECT count(*) FROM core_periodicrun),"
            " (SELECT array_agg(DISTINCT command) FROM core_periodicrun),"
            " (SELECT count(*) FROM task),"
            " (SELECT count(*) FROM task WHERE status = 'SUCCESSFUL'),"
            " (SELECT count(*) FROM (SELECT 1 FROM task GROUP BY kwargs->>'command',"
            "   kwargs->>'slot' HAVING count(*) > 1) AS twice),"
            " (SELECT array_agg(DISTINCT worker_ids->>-1) FROM task)"
        )

    runs, queued, tasks, succeeded, twice, ran_on = (
        _wait_for(
            lambda: (found := counts()) and found[2] == found[3] and found, timeout=60, pause=0.5
        )
        or counts()
    )
    lines = [
        f"periodic runs queued: {runs} for {len(queued or [])} of {len(commands)} commands; "
        f"tasks: {tasks}, {succeeded} finished well; a (command, slot) run twice: {twice}",
        f"run by the workers {sorted(ran_on or [])}",
    ]
    passed = (
        sorted(queued or []) == sorted(commands)
        and runs == tasks == succeeded
        and twice == 0
        and not stack.workers_exited()
    )
    return passed, lines
