"""The load: browsers in threads, each a real HTTP client with its own cookies,
reading CSRF tokens from the forms and posting them back as a browser does.

Anonymous visitors browse (home, directory, networks, meetings, feeds); signed-in
heads join networks and register for meetings; a coordinator publishes meetings
(and, in the mixed run, writes and sends one announcement to a network of a thousand)
and an administrator approves join requests. Every response is counted by status;
every write the app confirmed is recorded so a run can check it is in the database.
"""

import http.client
import random
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
REQUEST_CHECKBOX = re.compile(r'name="membership" value="(\d+)"')
SEND_FORM = re.compile(r'<form method="post" action="([^"]+/send/)"')


@dataclass
class Stats:
    """What every browser saw, shared between threads."""

    statuses: Counter = field(default_factory=Counter)
    by_kind: Counter = field(default_factory=Counter)
    failures: list = field(default_factory=list)  # (when, method, path, status or error)
    writes: list = field(default_factory=list)  # confirmed writes, for loadtest.inside verify
    latencies: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    started: float = field(default_factory=time.monotonic)

    def count(self, kind: str, method: str, path: str, status, seconds: float):
        with self.lock:
            self.statuses[status] += 1
            self.by_kind[(kind, status)] += 1
            self.latencies.append(seconds)
            if not isinstance(status, int) or status >= 500:
                self.failures.append((time.monotonic(), method, path, status))

    def wrote(self, **write):
        with self.lock:
            self.writes.append(write)

    @property
    def total(self) -> int:
        return sum(self.statuses.values())

    def server_errors(self, allowed=lambda when, status: False) -> list:
        """5xx and broken connections, less those `allowed` accepts (a 503 while the
        database restarts)."""
        return [f for f in self.failures if not allowed(f[0], f[3])]

    def summary(self) -> str:
        elapsed = time.monotonic() - self.started
        ordered = sorted(self.latencies) or [0]
        p50, p95 = ordered[len(ordered) // 2], ordered[int(len(ordered) * 0.95)]
        statuses = ", ".join(
            f"{status}: {n}" for status, n in sorted(self.statuses.items(), key=str)
        )
        return (
            f"{self.total} requests in {elapsed:.0f} s ({self.total / max(elapsed, 1):.0f}/s), "
            f"p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms; {statuses}; "
            f"{len(self.writes)} confirmed writes"
        )


class Browser:
    """One person's browser: cookies, CSRF tokens from forms, redirects followed."""

    def __init__(self, port: int, stats: Stats, kind: str, session: str | None = None):
        self.port, self.stats, self.kind = port, stats, kind
        self.host = f"127.0.0.1:{port}"
        self.cookies: dict[str, str] = {}
        if session:
            self.cookies["sessionid"] = session
        self.last_page = ""

    def request(self, method: str, path: str, form: dict | None = None, follow: bool = True):
        """(status, body); a redirect is followed once, as a browser would, and the
        status returned is the first one (302 for a form that worked)."""
        headers = {
            "Host": self.host,
            "User-Agent": "headnet-loadtest",
            # We play the TLS proxy in front of gunicorn (TRUST_X_FORWARDED_PROTO).
            "X-Forwarded-Proto": "https",
            "Connection": "close",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if method == "POST":
            form = dict(form or {})
            form.setdefault("csrfmiddlewaretoken", self._csrf_token())
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"https://{self.host}"
            headers["Referer"] = f"https://{self.host}{path}"
        started = time.monotonic()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", errors="replace")
            status = response.status
            self._keep_cookies(response.headers.get_all("Set-Cookie") or [])
            location = response.headers.get("Location")
        except OSError as error:
            self.stats.count(self.kind, method, path, type(error).__name__, 0)
            return None, ""
        finally:
            connection.close()
        self.stats.count(self.kind, method, path, status, time.monotonic() - started)
        if status == 200:
            self.last_page = text
        if follow and status in (301, 302, 303) and location:
            target = urlsplit(location)
            _, text = self.request(
                "GET", target.path + (f"?{target.query}" if target.query else ""), follow=False
            )
        return status, text

    def _csrf_token(self) -> str:
        found = CSRF_FIELD.search(self.last_page)
        return found.group(1) if found else self.cookies.get("csrftoken", "")

    def _keep_cookies(self, headers: list[str]):
        for header in headers:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                if morsel.value in ("", '""') or morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def sign_in(self, email: str, password: str) -> int | None:
        self.request("GET", "/accounts/login/")
        status, _ = self.request(
            "POST", "/accounts/login/", {"login": email, "password": password}, follow=False
        )
        return status


# The actors ---------------------------------------------------------------------


def visitor(browser: Browser, plan: dict, rng: random.Random):
    """Someone not signed in, reading public pages and calendar feeds."""
    network = rng.choice(plan["networks"])
    path = rng.choice(
        [
            "/",
            "/networks/",
            f"/networks/{network}/",
            f"/networks/{network}/meetings/",
            f"/networks/{network}/meetings.ics",
            "/leaders/",
            "/healthz",
            f"/meetings/{rng.choice(plan['public_meetings'])}/" if plan["public_meetings"] else "/",
        ]
    )
    browser.request("GET", path)


def head(browser: Browser, plan: dict, rng: random.Random, me: dict, state: dict):
    """A signed-in head: reads, registers for meetings, joins the two networks."""
    roll = rng.random()
    if roll < 0.35:
        meeting = rng.choice(plan["open_meetings"])
        browser.request("GET", f"/meetings/{meeting}/")
        status, page = browser.request("POST", f"/meetings/{meeting}/register/")
        if status == 302 and ("You have a place" in page or "waiting list" in page):
            browser.stats.wrote(kind="registration", person=me["id"], meeting=meeting)
    elif roll < 0.45 and not state.get("joined"):
        slug = plan["open_network"]["slug"]
        browser.request("GET", f"/networks/{slug}/")
        status, page = browser.request("POST", f"/networks/{slug}/join/")
        if status == 302 and ("You are now a member" in page or "already in" in page):
            state["joined"] = True
            browser.stats.wrote(
                kind="membership", person=me["id"], network=plan["open_network"]["id"]
            )
    elif roll < 0.5 and not state.get("asked"):
        slug = plan["approval_network"]["slug"]
        browser.request("GET", f"/networks/{slug}/")
        status, page = browser.request("POST", f"/networks/{slug}/join/")
        if status == 302 and (
            "has been sent to its administrators" in page or "already in" in page
        ):
            state["asked"] = True
            browser.stats.wrote(
                kind="membership", person=me["id"], network=plan["approval_network"]["id"]
            )
    elif roll < 0.6:
        browser.request("GET", f"/me/calendar/{me['feed']}.ics")
    elif roll < 0.7:
        browser.request("GET", "/me/calendar/")
    else:
        browser.request("GET", rng.choice(["/", "/me/", "/networks/", "/meetings/"]))


def coordinator(browser: Browser, plan: dict, drafts: list[int]):
    """Publishes the next draft meeting: every member of the network is emailed."""
    if not drafts:
        return
    meeting = drafts.pop(0)
    browser.request("GET", f"/meetings/{meeting}/")
    status, page = browser.request("POST", f"/meetings/{meeting}/publish/")
    if status == 302 and "members have been emailed" in page:
        browser.stats.wrote(kind="published", meeting=meeting)


def announcer(browser: Browser, plan: dict, announcement: dict):
    """Writes an announcement to everyone in the announced network in the composer,
    previews it and presses "Send now"; notes in `announcement` how it went."""
    slug = plan["announced_network"]["slug"]
    new = f"/networks/{slug}/announcements/new/"
    browser.request("GET", new)
    form = {
        "audience": "network",
        "subject": announcement["subject"],
        "body": "Dear colleagues,\n\nThe **spring conference** is on 12 March. Book early.",
        "then": "preview",
    }
    status, page = browser.request("POST", new, form)
    found = SEND_FORM.search(page) if status == 302 else None
    if found is None:
        announcement["failed"] = f"the composer answered {status} without the preview"
        return
    send = found.group(1)
    started = time.monotonic()
    status, _ = browser.request("POST", send, {"when": "now"}, follow=False)
    announcement.update(sent_at=started, seconds=time.monotonic() - started, status=status)
    _, page = browser.request("GET", send.removesuffix("send/"))
    if status == 302 and "It is on its way to its audience" in page:
        browser.stats.wrote(kind="announced", subject=announcement["subject"])
    else:
        announcement["failed"] = f"the send answered {status} without saying it is on its way"


def administrator(browser: Browser, plan: dict):
    """Approves the join requests waiting; each person approved is emailed."""
    slug = plan["approval_network"]["slug"]
    status, page = browser.request("GET", f"/networks/{slug}/requests/")
    waiting = REQUEST_CHECKBOX.findall(page) if status == 200 else []
    if not waiting:
        return
    status, page = browser.request(
        "POST",
        f"/networks/{slug}/requests/",
        {"decision": "approve", "membership": waiting, "reason": ""},
    )
    if status == 302 and "approved" in page.lower():
        for membership in waiting:
            browser.stats.wrote(kind="approved", membership=int(membership))


def _heads(plan: dict, port: int, stats: Stats, pace: float) -> list[tuple]:
    """Each head's (name, step, pause), signed in."""
    found = []
    for n, me in enumerate(plan["heads"]):
        rng = random.Random(100 + n)
        browser = Browser(port, stats, "head", me["session"])
        if me["session"] is None:
            status = browser.sign_in(me["email"], plan["password"])
            if status != 302:
                stats.count("head", "POST", "/accounts/login/", f"sign-in failed {status}", 0)
        state: dict = {}
        found.append(
            (f"head{n}", lambda b=browser, r=rng, m=me, s=state: head(b, plan, r, m, s), pace)
        )
    return found


def _announcing(plan, port, stats, stop, after: float, announcement: dict):
    """The coordinator's announcement, sent once `after` seconds into the run."""
    browser = Browser(port, stats, "coordinator", plan["coordinator"]["session"])

    def announce():
        if stop.wait(after):
            announcement["failed"] = "the run was stopped before it was sent"
            return
        try:
            announcer(browser, plan, announcement)
        except Exception as error:  # a bug here must show, not end the thread quietly
            announcement["failed"] = f"client error {error!r}"

    return announce


def run_mixed(
    plan: dict, port: int, seconds: float, stats: Stats, *, visitors: int = 6,
    pace: float = 0.0, stop: threading.Event | None = None,
    announcement: dict | None = None,
) -> None:  # fmt: skip
    """Every actor in its own thread for `seconds`; returns when all have stopped. With
    `announcement` ({"subject": ...}), the coordinator also sends one, a fifth of the
    way in, once."""
    stop = stop or threading.Event()
    deadline = time.monotonic() + seconds
    drafts = plan["drafts"]  # shared by the runs of one stack: each draft published once
    threads = []

    def loop(name, step, pause):
        while not stop.is_set() and time.monotonic() < deadline:
            try:
                step()
            except Exception as error:  # a bug here must show, not end the thread quietly
                stats.count(name, "?", "?", f"client error {error!r}", 0)
            time.sleep(pause)

    for n in range(visitors):
        rng = random.Random(n)
        browser = Browser(port, stats, "visitor")
        threads.append((f"visitor{n}", lambda b=browser, r=rng: visitor(b, plan, r), pace))
    threads += _heads(plan, port, stats, pace + 0.05)
    coordinator_browser = Browser(port, stats, "coordinator", plan["coordinator"]["session"])
    threads.append(("coordinator", lambda: coordinator(coordinator_browser, plan, drafts), 1.0))
    admin_browser = Browser(port, stats, "administrator", plan["administrator"]["session"])
    threads.append(("administrator", lambda: administrator(admin_browser, plan), 1.0))

    running = [threading.Thread(target=loop, args=t, daemon=True) for t in threads]
    if announcement is not None:
        announce = _announcing(plan, port, stats, stop, seconds / 5, announcement)
        running.append(threading.Thread(target=announce, daemon=True))
    for thread in running:
        thread.start()
    for thread in running:
        thread.join(seconds + 60)
