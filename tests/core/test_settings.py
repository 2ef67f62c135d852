"""Production settings, checked in a fresh process as a server would start them."""

import multiprocessing
import os
import runpy
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "headnet.example.org",
    "EMAIL_HOST": "smtp.example.org",
    "DATABASE_URL": "sqlite:////tmp/headnet-settings-check.sqlite3",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "SITE_URL": "https://headnet.example.org",
}


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {key: value for key, value in os.environ.items() if key not in PRODUCTION}
    clean["DJANGO_SETTINGS_MODULE"] = "config.settings"
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT,
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_flags_a_console_mailer_in_production():
    env = {key: value for key, value in PRODUCTION.items() if key != "EMAIL_HOST"}

    result = run_manage("check", "--deploy", env=env)

    assert result.returncode != 0
    assert "mail.E001" in result.stderr


@pytest.mark.parametrize(
    ("missing", "error"), [("REDIS_URL", "core.E001"), ("SITE_URL", "core.E002")]
)
def test_check_refuses_per_process_limits_and_the_local_site_url_in_production(missing, error):
    env = {key: value for key, value in PRODUCTION.items() if key != missing}

    result = run_manage("check", env=env)

    assert result.returncode != 0
    assert error in result.stderr


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_a_required_setting(missing):
    env = {key: value for key, value in PRODUCTION.items() if key != missing}

    result = run_manage("check", env=env)

    assert result.returncode != 0
    assert f"{missing} must be set when DEBUG is off" in result.stderr


@pytest.mark.django_db
def test_every_page_sends_a_content_security_policy_without_inline_script(client):
    response = client.get("/")

    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "default-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


def _setting(name: str, env: dict[str, str]) -> str:
    result = run_manage(
        "shell", "-c", f"from django.conf import settings; print(settings.{name})", env=env
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


@pytest.mark.parametrize("name", ["SECURE_HSTS_PRELOAD", "SECURE_HSTS_INCLUDE_SUBDOMAINS"])
def test_hsts_preload_and_subdomains_are_the_operators_choice_and_default_off(name):
    assert _setting(name, PRODUCTION) == "False"
    assert _setting(name, PRODUCTION | {name: "true"}) == "True"


@pytest.mark.parametrize("debug", [None, ""])
def test_development_without_a_secret_key_uses_a_random_key_kept_out_of_git(debug):
    env = {"DEBUG": debug} if debug is not None else {}

    key = _setting("SECRET_KEY", env)

    assert key == (PROJECT / ".secret_key").read_text().strip()
    assert len(key) >= 50
    assert "insecure" not in key
    assert _setting("SECRET_KEY", env) == key  # read back, not made afresh
    ignored = subprocess.run(["git", "check-ignore", "-q", ".secret_key"], cwd=PROJECT, check=False)
    assert ignored.returncode == 0


def test_each_development_key_file_gets_its_own_random_key(tmp_path):
    from config.settings import development_secret_key

    first = development_secret_key(tmp_path / "one")

    assert development_secret_key(tmp_path / "one") == first
    assert development_secret_key(tmp_path / "two") != first
    assert (tmp_path / "one").stat().st_mode & 0o077 == 0


def _gunicorn_conf(env: dict[str, str], monkeypatch) -> dict:
    for key in (
        "TRUST_X_FORWARDED_PROTO",
        "FORWARDED_ALLOW_IPS",
        "WEB_CONCURRENCY",
        "GUNICORN_BIND",
    ):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return runpy.run_path(str(PROJECT / "gunicorn.conf.py"))


@pytest.mark.parametrize("trust", [None, "", "false"])
def test_gunicorn_trusts_forwarded_headers_from_nobody_unless_told(trust, monkeypatch):
    env = {"TRUST_X_FORWARDED_PROTO": trust} if trust is not None else {}

    assert _gunicorn_conf(env, monkeypatch)["forwarded_allow_ips"] == ""


def test_gunicorn_trusts_the_local_proxy_when_told(monkeypatch):
    conf = _gunicorn_conf({"TRUST_X_FORWARDED_PROTO": "true"}, monkeypatch)

    assert conf["forwarded_allow_ips"] == "127.0.0.1,::1"


def test_gunicorn_listens_on_loopback_only_unless_told(monkeypatch):
    """Reachable from outside, gunicorn would take anyone's X-Forwarded-For as the
    proxy's (TRUSTED_PROXY_COUNT=1), and every per-address limit with it."""
    assert _gunicorn_conf({}, monkeypatch)["bind"] == "127.0.0.1:8000"
    told = _gunicorn_conf({"GUNICORN_BIND": "10.0.0.5:8000"}, monkeypatch)
    assert told["bind"] == "10.0.0.5:8000"


def test_the_readme_says_where_gunicorn_listens():
    production = (PROJECT / "README.md").read_text().split("## Production", 1)[1]

    assert "`127.0.0.1:8000`" in production
    assert "0.0.0.0:8000" not in production


def test_gunicorn_runs_as_many_workers_as_its_docstring_says(monkeypatch):
    conf = _gunicorn_conf({}, monkeypatch)

    assert "one per core" in conf["__doc__"]
    assert conf["workers"] == multiprocessing.cpu_count()


# An email service through django-anymail, chosen by the environment --------------------

SERVICE = {key: value for key, value in PRODUCTION.items() if key != "EMAIL_HOST"} | {
    "EMAIL_SERVICE": "postmark",
    "EMAIL_SERVICE_API_KEY": "postmark-server-token",
}


def test_an_email_service_named_in_the_environment_sends_the_mail_with_its_key():
    result = run_manage(
        "shell",
        "-c",
        "from django.core.mail import mailers; mailer = mailers.default; "
        "print(type(mailer).__module__, mailer.server_token, mailer.timeout)",
        env=SERVICE | {"EMAIL_TIMEOUT": "15"},
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-3:] == [
        "anymail.backends.postmark",
        "postmark-server-token",
        "15",
    ]


def test_production_with_an_email_service_passes_check_deploy():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=SERVICE)

    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("env", "error"),
    [
        ({"EMAIL_SERVICE": "pigeon"}, "EMAIL_SERVICE must be one of"),
        ({"EMAIL_SERVICE_API_KEY": ""}, "needs EMAIL_SERVICE_API_KEY"),
        ({"EMAIL_HOST": "smtp.example.org"}, "not both"),
    ],
)
def test_an_email_service_without_its_key_or_beside_smtp_is_refused(env, error):
    result = run_manage("check", env=SERVICE | env)

    assert result.returncode != 0
    assert error in result.stderr


def test_without_an_email_service_mail_goes_by_smtp():
    assert _setting("MAILERS['default']['BACKEND']", PRODUCTION) == (
        "django.core.mail.backends.smtp.EmailBackend"
    )
