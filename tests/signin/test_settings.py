"""The providers as config/settings.py builds them from the environment."""

import json
import os
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
NAMES = [
    "MICROSOFT_CLIENT_ID", "MICROSOFT_CLIENT_SECRET", "GOOGLE_CLIENT_ID", "GOOGLE_CLIENT_SECRET",
    "DFE_SIGN_IN_CLIENT_ID", "DFE_SIGN_IN_CLIENT_SECRET", "DFE_SIGN_IN_SERVER_URL",
]  # fmt: skip
SHOW = (
    "import json; from config import settings as s; print(json.dumps({"
    "'apps': {p: c['APPS'] for p, c in s.SOCIALACCOUNT_PROVIDERS.items()},"
    "'form_action': s.SECURE_CSP['form-action']}))"
)


def _settings(**env: str) -> dict:
    clean = {key: value for key, value in os.environ.items() if key not in NAMES}
    result = subprocess.run(
        [sys.executable, "-c", SHOW], cwd=PROJECT, env=clean | env,
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_no_provider_without_its_id_and_secret():
    built = _settings()

    assert built["apps"] == {"microsoft": [], "google": [], "openid_connect": []}
    assert built["form_action"] == ["'self'"]


def test_each_provider_with_its_id_and_secret_and_its_origin_in_form_action():
    built = _settings(
        MICROSOFT_CLIENT_ID="ms", MICROSOFT_CLIENT_SECRET="s1",
        GOOGLE_CLIENT_ID="g", GOOGLE_CLIENT_SECRET="s2",
        DFE_SIGN_IN_CLIENT_ID="d", DFE_SIGN_IN_CLIENT_SECRET="s3",
        DFE_SIGN_IN_SERVER_URL="https://oidc.signin.education.gov.uk",
    )  # fmt: skip

    [microsoft] = built["apps"]["microsoft"]
    assert (microsoft["client_id"], microsoft["settings"]["tenant"]) == ("ms", "organizations")
    assert built["apps"]["google"] == [{"client_id": "g", "secret": "s2"}]
    [dfe] = built["apps"]["openid_connect"]
    assert (dfe["provider_id"], dfe["settings"]["server_url"]) == (
        "dfe", "https://oidc.signin.education.gov.uk",
    )  # fmt: skip
    assert "organisation" in dfe["settings"]["scope"]
    assert built["form_action"] == [
        "'self'", "https://login.microsoftonline.com", "https://accounts.google.com",
        "https://oidc.signin.education.gov.uk",
    ]  # fmt: skip


def test_an_id_without_its_secret_stops_the_start():
    clean = {key: value for key, value in os.environ.items() if key not in NAMES}
    result = subprocess.run(
        [sys.executable, "-c", SHOW], cwd=PROJECT, env=clean | {"GOOGLE_CLIENT_ID": "g"},
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip

    assert result.returncode != 0
    assert "Set both GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET" in result.stderr
