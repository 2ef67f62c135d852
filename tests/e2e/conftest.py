"""Browser tests: Debian's Chromium driven by Playwright against the live server.

They can run in two processes (pytest-xdist, -n 2): each has its own browser, live
server and in-memory test database, and screenshots have one name per page.
"""

import io
import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

_axe = Axe()


def pytest_configure(config):
    """Under pytest-xdist a fixed live-server port (--liveserver host:port or
    DJANGO_LIVE_TEST_SERVER_ADDRESS) becomes port + the worker's number, so two
    workers never ask for the same port. Without one each takes a free port."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")  # "gw0", "gw1", ...
    address = config.getoption("liveserver", None) or os.environ.get(
        "DJANGO_LIVE_TEST_SERVER_ADDRESS"
    )
    if worker and address and ":" in address:
        host, port = address.rsplit(":", 1)
        config.option.liveserver = f"{host}:{int(port) + int(worker.removeprefix('gw'))}"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    executable = shutil.which("chromium")
    if executable is None:
        pytest.exit("Chromium is not installed: run `make test-browser`, which installs it.")
    return {**browser_type_launch_args, "executable_path": executable, "args": CHROMIUM_ARGS}


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": VIEWPORTS["desktop"]}


@pytest.fixture(params=[True, False], ids=["js", "no-js"])
def javascript(request):
    """Run a journey twice: with JavaScript on, and off."""
    return request.param


@pytest.fixture
def page(browser, browser_context_args, javascript):
    context = browser.new_context(**browser_context_args, java_script_enabled=javascript)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.javascript = javascript
    yield page
    context.close()


@pytest.fixture(scope="session", autouse=True)
def _orm_beside_playwright():
    """Playwright's sync API keeps an event loop in this thread, and Django
    refuses ORM calls under an event loop unless told it is safe; here it is,
    since the live server runs in its own thread."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture
def server(live_server, transactional_db):
    """The app, served on a free port, with a database emptied after each test."""
    return live_server


# The demo as seed_demo left it, kept by each process: see seed_demo below.
_demo: dict = {}


def seed_demo(password: str) -> None:
    """Run `manage.py seed_demo` on the test's empty database, or do what it would do
    faster.

    Seeding takes over a second of CPU and most journeys start from it. On SQLite in
    memory (as `make test-browser` runs) the first seeding in each process is copied
    aside with SQLite's backup API, with the paper files it stored, and later tests
    restore that copy in a millisecond. The copy is used only when the database holds
    what it held before that seeding (a test that made data first seeds for real), with
    the same password, and within the same quarter hour: every demo meeting starts and
    ends on a quarter hour, so none has begun or ended since the copy was made.
    On PostgreSQL every test seeds.
    """
    connection.ensure_connection()
    in_memory = connection.vendor == "sqlite" and connection.is_in_memory_db()
    if not in_memory:
        call_command("seed_demo", password=password, force=True, stdout=io.StringIO())
        return
    now = timezone.localtime()
    key = (password, now.date(), now.hour, now.minute // 15, _row_counts())
    if _demo.get("key") == key:
        _demo["database"].backup(connection.connection)
        # The restored rows' ids, not the ones post_migrate cached after the last flush.
        ContentType.objects.clear_cache()
        cache.clear()
        for name, content in _demo["files"].items():
            if not default_storage.exists(name):  # a test deleted it; the rows still name it
                default_storage.save(name, ContentFile(content))
        return
    files_before = set(_stored_files())
    call_command("seed_demo", password=password, force=True, stdout=io.StringIO())
    copy = sqlite3.connect(":memory:")
    connection.connection.backup(copy)
    files = {}
    for name in set(_stored_files()) - files_before:
        with default_storage.open(name) as file:
            files[name] = file.read()
    _demo.update(key=key, database=copy, files=files)


def _row_counts() -> tuple[int, ...]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        tables = [row[0] for row in cursor.fetchall() if row[0] != "sqlite_sequence"]
        counts = []
        for table in tables:
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 (names from SQLite)
            counts.append(cursor.fetchone()[0])
    return tuple(counts)


def _stored_files(path: str = ""):
    folders, files = default_storage.listdir(path)
    for name in files:
        yield f"{path}/{name}" if path else name
    for folder in folders:
        yield from _stored_files(f"{path}/{folder}" if path else folder)


def check_axe(page, name: str) -> None:
    """axe-core finds no WCAG 2.x A/AA violation on the page as it is now.

    axe runs as script in the page, so it runs in the JavaScript pass only (with
    scripts off its promise never settles); the no-JavaScript pass serves the
    same HTML.
    """
    if not page.javascript:
        return
    page.wait_for_load_state()
    results = _axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    assert results.violations_count == 0, f"{name}:\n" + results.generate_report()


def check_page(page, name: str) -> None:
    """Check the page as a person would meet it: at desktop and phone width,
    axe-core finds no WCAG 2.x A/AA violation, there is exactly one h1 and
    a skip link; a screenshot of each is kept for review."""
    # A click that navigates returns once the new page starts to arrive; check it whole.
    page.wait_for_load_state()
    assert page.locator("h1").count() == 1, f"{name}: expected one h1"
    assert page.get_by_role("link", name="Skip to main content").count() == 1
    assert page.title().endswith("– Headnet"), page.title()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    original = page.viewport_size
    suffix = "" if page.javascript else "-nojs"
    for viewport_name, viewport in VIEWPORTS.items():
        page.set_viewport_size(viewport)
        page.screenshot(path=SCREENSHOTS / f"{name}-{viewport_name}{suffix}.png", full_page=True)
        check_axe(page, f"{name} ({viewport_name})")
    page.set_viewport_size(original)
