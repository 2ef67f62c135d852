"""Headnet settings: one file, read from the environment.

With nothing set you get the embedded default for local work: SQLite in a file
inside the project, email printed to the console, tasks run immediately, DEBUG
on. Production sets DEBUG=false and at least SECRET_KEY, ALLOWED_HOSTS,
DATABASE_URL and EMAIL_HOST (see README.md, "Configuration").
"""

import os
import re
import secrets
from pathlib import Path

import dj_database_url
from django.contrib.messages import constants as messages
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    if value.strip().lower() in {"1", "true", "yes", "on"}:
        return True
    if value.strip().lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name, "")
    items = [item.strip() for item in value.split(",") if item.strip()]
    return items or default


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def development_secret_key(path: Path) -> str:
    """A random key kept in a git-ignored file, made on first use."""
    # A fixed key in the code would be public: a site started with DEBUG
    # unset by mistake would sign sessions with a key everyone knows.
    try:
        # O_EXCL: of two processes starting at once, one writes and both read.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    key = secrets.token_urlsafe(50)
    with os.fdopen(descriptor, "w") as file:
        file.write(key + "\n")
    return key


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off. Generate one with: "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    SECRET_KEY = development_secret_key(BASE_DIR / ".secret_key")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS must be set when DEBUG is off: a comma-separated list of the "
        "host names this site answers to, for example headnet.example.org."
    )
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# How many proxies in front of the site append to X-Forwarded-For. Rate limits
# key on the client's address (core.ratelimit.client_ip); 0 trusts the header never.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

INSTALLED_APPS = [
    "core.admin_site.HeadnetAdminConfig",  # django.contrib.admin, its app list made lazily
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    # Signing in with a school's own account (Microsoft, Google, DfE Sign-in): each
    # provider is offered only when its client id and secret are set (see below).
    "allauth.socialaccount",
    "allauth.socialaccount.providers.microsoft",
    "allauth.socialaccount.providers.google",
    "allauth.socialaccount.providers.openid_connect",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_tasks_db",
    "anymail",
    "core",
    "members",
    "networks",
    "meetings",
    "support",
    "articles",
    "leaders",
    "fees",
    "attendance",
    "announcements",
    "office",
    "voice",
    "discussions",
    "portal",
    "devdata",
]

# Writes to these apps' models change what a page cached for visitors may show
# (core.pagecache), except the models listed after: records no page shows, written
# often or deleted in bulk, which keep Django's fast delete.
PAGE_CACHE_APPS = [
    "members", "networks", "meetings", "fees", "support", "articles", "leaders", "voice",
    "announcements", "discussions",
]  # fmt: skip
PAGE_CACHE_UNSHOWN_MODELS = [
    "support.SupportNote",
    "support.SupportRequestOpening",
    "support.PairingOpening",
    "leaders.LeaderMessage",
    "networks.EmailPreference",
    "networks.ImportBatch",
    "networks.ContactMessage",
    # A ballot changes no page a visitor sees (results are for members).
    "voice.Ballot",
    "voice.BallotChoice",
    "voice.VoteRecord",
    # Who each announcement went to, and when: on no page anyone else sees.
    "announcements.Delivery",
    "announcements.DigestSent",
    # Only a thread's posts are kept (for its readers); reports, choices and email records
    # are read afresh on the pages that show them.
    "discussions.PostReport",
    "discussions.ThreadFollow",
    "discussions.DiscussionPreference",
    "discussions.PostNotification",
    "discussions.InboundReply",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Visitors' kept pages, served before the middleware below that they do not need.
    "core.pagecache.VisitorPageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
            ],
        },
    },
]

# Database: SQLite in the project folder unless DATABASE_URL says otherwise
# (postgres://user:password@host:5432/name in production).
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock when a transaction starts, so two requests
    # writing at once wait for each other instead of failing with "locked".
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Rate limits (allauth's and our own) live in the cache. Memory is per process,
# so with DEBUG off a system check (core/checks.py) requires REDIS_URL.
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            # Django's, with one client a connection pool rather than one a call.
            "BACKEND": "core.cache.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "members.User"
AUTHENTICATION_BACKENDS = [
    "members.backends.EmailBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"

# django-allauth: the email address is the login, verified before first use.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = False
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
# Confirming the address signs the person in (allauth does so only in the browser
# session that signed up; a link opened elsewhere still asks for the password).
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
# One address per account: a new one replaces the old only once confirmed, and only
# by someone signed in to the account (members.adapters.AccountAdapter.confirm_email).
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Headnet] "  # the same as EMAIL_SUBJECT_PREFIX
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
ACCOUNT_ADAPTER = "members.adapters.AccountAdapter"
ACCOUNT_FORMS = {
    "signup": "members.signup.SignupForm",  # no timing tells a known address
    # An account without a password proves itself with an emailed code first.
    "add_email": "members.forms.ChangeEmailForm",
    "set_password": "members.forms.SetPasswordForm",
    # The others only in Headnet's words (members.forms.AccountWording).
    "login": "members.forms.LoginForm",
    "reset_password": "members.forms.ResetPasswordForm",
    "reset_password_from_key": "members.forms.ResetPasswordKeyForm",
    "change_password": "members.forms.ChangePasswordForm",
    "request_login_code": "members.forms.RequestLoginCodeForm",
}
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300  # seconds a sign-in counts as fresh
# Adding, removing or switching an address asks for the password again (a session
# someone else signed in cannot move the account to their address), and the
# address in use hears of every change to the address and the password.
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_RATE_LIMITS_ENABLED = True  # allauth's defaults: sign-in, sign-up, reset, codes


def social_app(prefix: str) -> dict[str, str] | None:
    """A provider's client id and secret from <PREFIX>_CLIENT_ID and _CLIENT_SECRET, or None."""
    client_id = os.environ.get(f"{prefix}_CLIENT_ID", "").strip()
    secret = os.environ.get(f"{prefix}_CLIENT_SECRET", "").strip()
    if bool(client_id) != bool(secret):
        raise ImproperlyConfigured(
            f"Set both {prefix}_CLIENT_ID and {prefix}_CLIENT_SECRET, or neither."
        )
    return {"client_id": client_id, "secret": secret} if client_id else None


# Signing in with a school's own account
# (docs/rules.md, "Signing in with a school account"). The apps are configured here,
# never in the database, so a provider whose id and secret are not set is not offered
# anywhere. Headnet's provider classes (members/signin/) check every ID token's
# signature, audience, issuer, expiry and nonce.
MICROSOFT_APP = social_app("MICROSOFT")
GOOGLE_APP = social_app("GOOGLE")
DFE_SIGN_IN_APP = social_app("DFE_SIGN_IN")
DFE_SIGN_IN_SERVER_URL = os.environ.get("DFE_SIGN_IN_SERVER_URL", "").strip()
if DFE_SIGN_IN_APP and not DFE_SIGN_IN_SERVER_URL:
    raise ImproperlyConfigured(
        "DFE_SIGN_IN_CLIENT_ID needs DFE_SIGN_IN_SERVER_URL, the issuer DfE Sign-in gave you "
        "(its /.well-known/openid-configuration is read from there)."
    )
SOCIALACCOUNT_PROVIDERS = {
    "microsoft": {
        "provider_class": "members.signin.microsoft.provider.MicrosoftProvider",
        # Work and school accounts of any organisation, never personal ones.
        "APPS": [MICROSOFT_APP | {"settings": {"tenant": "organizations"}}]
        if MICROSOFT_APP
        else [],
        "SCOPE": ["openid", "email", "profile", "User.Read"],
        "OAUTH_PKCE_ENABLED": True,
    },
    "google": {
        "provider_class": "members.signin.google.provider.GoogleProvider",
        "APPS": [GOOGLE_APP] if GOOGLE_APP else [],
        "SCOPE": ["openid", "email", "profile"],
        "OAUTH_PKCE_ENABLED": True,
    },
    "openid_connect": {
        "provider_class": "members.signin.openid_connect.provider.OpenIDConnectProvider",
        "APPS": [
            DFE_SIGN_IN_APP
            | {
                "provider_id": "dfe",
                "name": "DfE Sign-in",
                "settings": {
                    "server_url": DFE_SIGN_IN_SERVER_URL,
                    "scope": ["openid", "email", "profile", "organisation"],
                    "oauth_pkce_enabled": True,
                },
            }
        ]
        if DFE_SIGN_IN_APP
        else [],
    },
}
# A provider's button posts to Headnet, which redirects the browser on to the provider's
# authorisation page: CSP's form-action covers that redirect, so it names their origins.
SOCIAL_FORM_ACTIONS = [
    origin
    for app, origin in [
        (MICROSOFT_APP, "https://login.microsoftonline.com"),
        (GOOGLE_APP, "https://accounts.google.com"),
        (DFE_SIGN_IN_APP, "/".join(DFE_SIGN_IN_SERVER_URL.split("/", 3)[:3])),
    ]
    if app
]
SOCIALACCOUNT_ADAPTER = "members.social.SocialAccountAdapter"
# An address the provider proves (members/signin/proof.py) signs in to the account
# that has it, and connects the two; an address it does not prove never does.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_EMAIL_VERIFICATION = "mandatory"
SOCIALACCOUNT_STORE_TOKENS = False  # Headnet calls no provider's API after signing in
SOCIALACCOUNT_LOGIN_ON_GET = False  # a provider's button is a form: a link cannot start it

# Message levels as Bootstrap's alert names (alert-danger, alert-success...).
MESSAGE_TAGS = {messages.DEBUG: "secondary", messages.ERROR: "danger"}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "media/"

# The address people reach the site at, for links in emails.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
EMAIL_SUBJECT_PREFIX = "[Headnet] "

# Email (Django 6.1's MAILERS): an email service's API (EMAIL_SERVICE), an SMTP server
# (EMAIL_HOST), or, with neither, printed to the console.
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Headnet <noreply@headnet.localhost>")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
# The sender of announcements (bulk mail), so that it and account mail can go from
# different addresses, as the large mailbox providers ask.
ANNOUNCEMENTS_FROM_EMAIL = os.environ.get("ANNOUNCEMENTS_FROM_EMAIL", DEFAULT_FROM_EMAIL)
# An email service's HTTP API instead of SMTP, through django-anymail: EMAIL_SERVICE names
# the service, EMAIL_SERVICE_API_KEY its key. Only services that need nothing but a key
# (and anymail's own dependencies) are offered; each takes the key under its own name.
EMAIL_SERVICES = {
    "brevo": "api_key",
    "mailersend": "api_token",
    "mailgun": "api_key",
    "postmark": "server_token",
    "resend": "api_key",
    "sparkpost": "api_key",
}
EMAIL_SERVICE = os.environ.get("EMAIL_SERVICE", "").strip().lower()
if EMAIL_SERVICE:
    if EMAIL_SERVICE not in EMAIL_SERVICES:
        raise ImproperlyConfigured(
            f"EMAIL_SERVICE must be one of {', '.join(EMAIL_SERVICES)}, not {EMAIL_SERVICE!r}."
        )
    if os.environ.get("EMAIL_HOST"):
        raise ImproperlyConfigured(
            "Set EMAIL_SERVICE (an email service's API) or EMAIL_HOST (SMTP), not both."
        )
    if not os.environ.get("EMAIL_SERVICE_API_KEY"):
        raise ImproperlyConfigured(f"EMAIL_SERVICE={EMAIL_SERVICE} needs EMAIL_SERVICE_API_KEY.")
    service_options: dict[str, str | int] = {
        EMAIL_SERVICES[EMAIL_SERVICE]: os.environ["EMAIL_SERVICE_API_KEY"],
        "timeout": env_int("EMAIL_TIMEOUT", 20),
    }
    if os.environ.get("EMAIL_SERVICE_API_URL"):
        # Another region's endpoint, e.g. Mailgun's EU one: https://api.eu.mailgun.net/v3
        service_options["api_url"] = os.environ["EMAIL_SERVICE_API_URL"]
    MAILERS = {
        "default": {
            "BACKEND": f"anymail.backends.{EMAIL_SERVICE}.EmailBackend",
            "OPTIONS": service_options,
        }
    }
elif os.environ.get("EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ["EMAIL_HOST"],
                "port": env_int("EMAIL_PORT", 587),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
                "timeout": env_int("EMAIL_TIMEOUT", 20),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}

# An email service's reports of bounces, complaints and unsubscribes (django-anymail's
# tracking webhooks; announcements.tracking acts on them). Mounted only when both are set:
# at email/events/<EMAIL_EVENTS_PATH>/<service>/tracking/, a long random path that is
# itself a secret, and every request must carry the basic-auth "user:password" of
# ANYMAIL_WEBHOOK_SECRET (anymail refuses it otherwise, as it does a bad signature).
EMAIL_EVENTS_PATH = os.environ.get("EMAIL_EVENTS_PATH", "").strip("/")
if EMAIL_EVENTS_PATH and not re.fullmatch(r"[A-Za-z0-9_-]{20,}", EMAIL_EVENTS_PATH):
    raise ImproperlyConfigured(
        "EMAIL_EVENTS_PATH must be a long random string: 20 or more letters, digits, - or _."
    )
ANYMAIL: dict[str, str] = {}
if os.environ.get("ANYMAIL_WEBHOOK_SECRET"):
    ANYMAIL["WEBHOOK_SECRET"] = os.environ["ANYMAIL_WEBHOOK_SECRET"]
if EMAIL_EVENTS_PATH and "WEBHOOK_SECRET" not in ANYMAIL:
    raise ImproperlyConfigured(
        "EMAIL_EVENTS_PATH needs ANYMAIL_WEBHOOK_SECRET: without it anyone who learnt the "
        "path could report bounces."
    )
# The services that sign their webhooks: anymail checks the signature too, with the key
# from the service's dashboard, each under the environment variable of its anymail name.
# (Brevo, Postmark and SparkPost do not sign: the basic auth is their check. Resend's
# signatures need the svix package, which is not installed: basic auth there too.)
WEBHOOK_SIGNING_KEYS = {
    # Mailgun's HTTP webhook signing key: for its tracking webhooks and inbound routes.
    "MAILGUN_WEBHOOK_SIGNING_KEY": ("mailgun", True),
    # MailerSend's: one for the tracking webhook, another for the inbound route.
    "MAILERSEND_SIGNING_SECRET": ("mailersend", True),
    "MAILERSEND_INBOUND_SECRET": ("mailersend", False),
}
for name in WEBHOOK_SIGNING_KEYS:
    if os.environ.get(name):
        ANYMAIL[name] = os.environ[name]
if EMAIL_EVENTS_PATH:
    for name, (service, for_tracking) in WEBHOOK_SIGNING_KEYS.items():
        # Without its key every webhook of the service would fail: refused at start.
        needed = for_tracking or os.environ.get("DISCUSSIONS_REPLY_DOMAIN", "").strip()
        if service == EMAIL_SERVICE and needed and name not in ANYMAIL:
            raise ImproperlyConfigured(
                f"EMAIL_SERVICE={service} with EMAIL_EVENTS_PATH needs {name}: the service "
                "signs its webhooks, and anymail refuses them without the key."
            )

# Replies by email to discussion emails (discussions.inbound): each email's Reply-To is
# reply+<signed token>@DISCUSSIONS_REPLY_DOMAIN, a domain whose mail the email service
# hands to anymail's inbound webhook (email/events/<EMAIL_EVENTS_PATH>/<service>/inbound/).
# Unset: no Reply-To, and no reply by email is taken. A token expires after
# DISCUSSIONS_REPLY_MAX_AGE_DAYS.
DISCUSSIONS_REPLY_DOMAIN = os.environ.get("DISCUSSIONS_REPLY_DOMAIN", "").strip().lower()
if DISCUSSIONS_REPLY_DOMAIN and not EMAIL_EVENTS_PATH:
    raise ImproperlyConfigured(
        "DISCUSSIONS_REPLY_DOMAIN needs EMAIL_EVENTS_PATH: replies reach the site through "
        "the email service's inbound webhook, mounted under that path."
    )
DISCUSSIONS_REPLY_MAX_AGE_DAYS = env_int("DISCUSSIONS_REPLY_MAX_AGE_DAYS", 90)

# Background work (email above all) goes through Django's tasks framework:
# run at once in the embedded default, queued in the database in production
# and worked off by `manage.py run_worker` (core.worker).
TASK_BACKENDS = {
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
TASK_BACKEND = os.environ.get("TASK_BACKEND", "immediate" if DEBUG else "database")
if TASK_BACKEND not in TASK_BACKENDS:
    raise ImproperlyConfigured(f"TASK_BACKEND must be one of {', '.join(TASK_BACKENDS)}.")
TASKS = {"default": {"BACKEND": TASK_BACKENDS[TASK_BACKEND]}}
# Each worker writes its heartbeat this often; a task still running under a worker
# not seen for WORKER_STALE_SECONDS is queued again (its worker died). The stale time
# is several beats, so a slow beat is never taken for a death.
WORKER_HEARTBEAT_SECONDS = env_int("WORKER_HEARTBEAT_SECONDS", 5)
WORKER_STALE_SECONDS = env_int("WORKER_STALE_SECONDS", 30)
# The periodic commands, run by the scheduler inside every `run_worker`
# (core.scheduler), each once per period however many workers run: "daily_at" a
# time of day (TIME_ZONE), "weekly_at" a day and a time of day ("monday 07:00"), or
# "every_minutes" (counted from midnight UTC).
PERIODIC_COMMANDS: dict[str, dict[str, str | int]] = {
    "reconcile_memberships": {"daily_at": "02:30"},
    "delete_closed_support_requests": {"daily_at": "03:00"},
    "prune_tasks": {"daily_at": "03:30"},
    "send_meeting_reminders": {"daily_at": "07:00"},
    "send_mentoring_check_ins": {"daily_at": "08:00"},
    "send_fee_reminders": {"daily_at": "09:00"},
    "send_weekly_digest": {"weekly_at": "monday 07:00"},
    "tell_story_moderators": {"every_minutes": 60},
    "send_unsent_contact_messages": {"every_minutes": 10},
    "send_due_announcements": {"every_minutes": 1},
    "prune_deliveries": {"daily_at": "03:45"},
    "send_invitations": {"every_minutes": 10},
    "prune_import_batches": {"daily_at": "03:50"},
    # A poll closes within five minutes of its time; its reminder within the hour of the
    # day before (voice.closing).
    "close_polls": {"every_minutes": 5},
    "send_poll_reminders": {"every_minutes": 60},
}
# A failed send waits this long before its second attempt, the pause doubling each
# time up to EMAIL_RETRY_MAX_SECONDS (core.email.retry_later).
EMAIL_RETRY_SECONDS = env_int("EMAIL_RETRY_SECONDS", 120)
EMAIL_RETRY_MAX_SECONDS = env_int("EMAIL_RETRY_MAX_SECONDS", 60 * 60)
# Finished tasks keep their arguments (whole emails: sign-in codes, reset
# links); `manage.py prune_tasks` deletes them after this many days.
TASK_RETENTION_DAYS = env_int("TASK_RETENTION_DAYS", 7)
# Days a closed coaching request is kept before delete_closed_support_requests deletes it.
SUPPORT_REQUEST_RETENTION_DAYS = env_int("SUPPORT_REQUEST_RETENTION_DAYS", 90)
# Days an announcement's delivery rows (who got a copy, and how it went) are kept after
# it is sent; `prune_deliveries` then deletes them, keeping only the counts.
ANNOUNCEMENT_DELIVERY_RETENTION_DAYS = env_int("ANNOUNCEMENT_DELIVERY_RETENTION_DAYS", 90)

# Announcements (announcements.services): how many may be sent or scheduled, so a
# mistaken or a stolen account cannot flood members' inboxes. A day and a month are
# the UK's calendar ones.
ANNOUNCEMENTS_PER_SENDER_PER_DAY = env_int("ANNOUNCEMENTS_PER_SENDER_PER_DAY", 5)
ANNOUNCEMENTS_PER_NETWORK_PER_DAY = env_int("ANNOUNCEMENTS_PER_NETWORK_PER_DAY", 10)
URGENT_ANNOUNCEMENTS_PER_MONTH = env_int("URGENT_ANNOUNCEMENTS_PER_MONTH", 2)

# Member spreadsheets (the office's import) and the invitations made from them
# (networks.services.imports and .invitations). A spreadsheet brings in at most
# IMPORT_MAX_ROWS rows; its rows are kept IMPORT_BATCH_RETENTION_DAYS days. Its invitations
# go out at most IMPORT_INVITATIONS_PER_HOUR an hour per network (reminders included): an
# administrator checked every row before confirming them, so the allowance is above the 30
# an hour of invitations sent one by one. Each is reminded once, INVITATION_REMINDER_DAYS
# after it went.
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 5000)
IMPORT_BATCH_RETENTION_DAYS = env_int("IMPORT_BATCH_RETENTION_DAYS", 14)
IMPORT_INVITATIONS_PER_HOUR = env_int("IMPORT_INVITATIONS_PER_HOUR", 120)
INVITATION_REMINDER_DAYS = env_int("INVITATION_REMINDER_DAYS", 7)

# Content Security Policy: our own files only, no inline script or style.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF, *SOCIAL_FORM_ACTIONS],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Another site learns our origin only, never a path; our own pages still send their
# full address to us. A story's pages send only the origin, even to us (articles.views):
# their path is a private token.
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SESSION_COOKIE_HTTPONLY = True
# Sessions read from the cache (Redis in production) and written through to the
# database: no query per signed-in request, and nobody signed out by a cache restart.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

if not DEBUG:
    # Behind a proxy that terminates TLS, set SECURE_SSL_REDIRECT=false if the
    # proxy redirects, and TRUST_X_FORWARDED_PROTO=true so Django knows the
    # request came in over HTTPS.
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Load balancers probe over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    if env_bool("TRUST_X_FORWARDED_PROTO", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    # Both bind more than this site (every subdomain; browsers' built-in lists,
    # slow to leave), so they are the operator's commitment to make. Off, their
    # check --deploy warnings are silenced: a decision, not an oversight.
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    SILENCED_SYSTEM_CHECKS = [
        check_id
        for check_id, chosen in [
            ("security.W005", SECURE_HSTS_INCLUDE_SUBDOMAINS),
            ("security.W021", SECURE_HSTS_PRELOAD),
        ]
        if not chosen
    ]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Every handler carries `confidential_paths` (core.logfilters): no log line, and no
# error email, shows a story's private path, coaching or a calendar token. A handler
# added here must carry it too (tests/core/test_logs.py checks).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "confidential_paths": {"()": "core.logfilters.ConfidentialPaths"},
        "refusals_one_line": {"()": "core.logfilters.RefusalsWithoutTraceback"},
    },
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["confidential_paths", "refusals_one_line"],
        },
        # runserver's request lines, as Django prints them, through the same filter.
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["confidential_paths"],
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Replaces Django's own "django" handler, which printed everything a second time
        # on top of the root's.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "INFO"},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
        # WeasyPrint logs each of its seven steps for every invoice PDF at INFO; its
        # warnings (a font or a style it could not use) still show.
        "weasyprint.progress": {"level": "WARNING"},
    },
}
