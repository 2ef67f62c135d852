"""Issue 20: the demo and benchmark generators live in devdata/, above the floors, so the
apps hold only what runs in production (docs/architecture.md, "The floors")."""

from pathlib import Path

from django.conf import settings
from django.core.management import get_commands

RUNTIME_APPS = ["core", "members", "networks", "meetings", "fees", "support", "articles",
                "leaders", "announcements", "office", "portal", "config"]  # fmt: skip


def test_seed_demo_and_seed_scale_are_devdata_s_commands():
    commands = get_commands()

    assert commands["seed_demo"] == "devdata"
    assert commands["seed_scale"] == "devdata"


def test_no_runtime_app_holds_a_demo_or_benchmark_generator():
    root = Path(settings.BASE_DIR)
    generators = {
        str(path.relative_to(root))
        for app in RUNTIME_APPS
        for name in ("demo.py", "scale.py", "seed_demo.py", "seed_scale.py")
        for path in (root / app).rglob(name)
    }

    assert generators == set()
