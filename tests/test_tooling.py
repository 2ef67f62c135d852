"""The tooling's configuration keeps its own lists in step."""

import tomllib
from pathlib import Path

from members.adapters import ERROR_MESSAGES

ROOT = Path(__file__).resolve().parents[1]


def _module_pattern(path: str) -> str:
    """mypy's module pattern for a checked path: "fees/services.py" is "fees.services", a
    package "networks/services" is "networks.services.*" (the package and its modules)."""
    if path.endswith(".py"):
        return path.removesuffix(".py").replace("/", ".")
    return path.rstrip("/").replace("/", ".") + ".*"


def test_mypy_checks_strictly_exactly_the_modules_make_lint_checks():
    mypy = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]
    strict = [override for override in mypy["overrides"] if override.get("strict")]

    assert len(strict) == 1
    assert sorted(strict[0]["module"]) == sorted(map(_module_pattern, mypy["files"]))
    assert all((ROOT / path).exists() for path in mypy["files"])


def test_the_load_run_recognises_the_sign_in_limit_by_the_words_the_site_uses():
    """`make load`'s shared-rate-limit scenario reads the page: it must look for our words."""
    scenario = (ROOT / "loadtest" / "scenarios.py").read_text()
    words = ERROR_MESSAGES["too_many_login_attempts"].split(".")[0]

    assert f'"{words}' in scenario
