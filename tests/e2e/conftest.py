"""Browser tests: Debian's Chromium driven by Playwright against the live server."""

import shutil
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

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


def check_axe(page, name: str) -> None:
    """axe-core finds no WCAG 2.x A/AA violation on the page as it is now.

    axe runs as script in the page, so it runs in the JavaScript pass only (with
    scripts off its promise never settles); the no-JavaScript pass serves the
    same HTML.
    """
    if not page.javascript:
        return
    results = _axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    assert results.violations_count == 0, f"{name}:\n" + results.generate_report()


def check_page(page, name: str) -> None:
    """Check the page as a person would meet it: at desktop and phone width,
    axe-core finds no WCAG 2.x A/AA violation, there is exactly one h1 and
    a skip link; a screenshot of each is kept for review."""
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
