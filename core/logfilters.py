"""What logs may say: no confidential path in any line, and a development log that reads well.

CONFIDENTIAL_PATHS is the one list of the addresses no log line may show as they
are. Every log line goes through it: gunicorn's access log (core.access_log),
and Django's own loggers through the ConfidentialPaths filter that every handler
in settings.LOGGING carries ("Not Found: /path", "Forbidden (CSRF ...): /path",
error emails).
"""

import logging
import re
from dataclasses import dataclass
from urllib.parse import unquote


@dataclass(frozen=True)
class ConfidentialPath:
    """Addresses of one kind, and what a log line shows in their place."""

    pattern: re.Pattern[str]
    shown_as: str
    # True: a line with the visitor's address and the time would give the secret away
    # by itself, so the access log leaves the whole line out (not only the path).
    leave_out_line: bool


def _path(expression: str) -> re.Pattern[str]:
    # Found anywhere in a line (a request line, a referrer's full URL, a "next="),
    # ending where the path does; case-blind, since a miscased path still carries it.
    return re.compile(expression, re.IGNORECASE)


# The end of a path segment: "/stories/new" but not "/stories/newsletter".
_END = r"(?=$|[/?#\s\"'])"
_REST = r"[^\s\"']*"

CONFIDENTIAL_PATHS = (
    # A story's form and its author's private page, whose path is the token: with the
    # visitor's address and the time, either would name an anonymous story's author.
    ConfidentialPath(
        _path(rf"/networks/[^/\s\"'?#]+/stories/(?:new|private){_END}{_REST}"),
        "[a story's private path]",
        leave_out_line=True,
    ),
    # Coaching: who asks for help, and which request a coach opens, is confidential.
    ConfidentialPath(
        _path(rf"/networks/[^/\s\"'?#]+/support{_END}{_REST}"),
        "[a coaching path]",
        leave_out_line=True,
    ),
    # The link in every coaching email (/coaching/<pk>/): it names the request.
    ConfidentialPath(
        _path(rf"/coaching/\d+{_END}{_REST}"), "[a coaching path]", leave_out_line=True
    ),
    # A personal calendar feed: its address is the password to someone's meetings.
    # That feeds are polled is no secret, so the line stays with the token blanked.
    ConfidentialPath(
        _path(r"(/me/calendar/)[^/\s\"'?#\[\]]+\.ics"), r"\1[token].ics", leave_out_line=False
    ),
    # An unsubscribe link (announcements', and discussions' under /email/discussions/):
    # its token stops a person's emails from a network. That people unsubscribe is no
    # secret, so the line stays, the token blanked.
    ConfidentialPath(
        _path(r"(/email/(?:discussions/)?unsubscribe/)[^/\s\"'?#\[\]]+"),
        r"\1[token]",
        leave_out_line=False,
    ),
    # An email service's webhooks (settings.EMAIL_EVENTS_PATH): the path is half their
    # secret, the basic-auth password the other half.
    ConfidentialPath(
        _path(r"(/email/events/)[^/\s\"'?#\[\]]+"), r"\1[secret]", leave_out_line=False
    ),
)
# The paths whose whole access-log line is left out.
LINE_LEFT_OUT = tuple(path for path in CONFIDENTIAL_PATHS if path.leave_out_line)
# A value that still carries a confidential path once percent-decoded.
REDACTED = "[confidential]"


def _forms(text: str) -> tuple[str, ...]:
    # As sent, and percent-decoded ("%2F" for "/" in a next= or an odd client's path).
    decoded = unquote(unquote(text))
    return (text,) if decoded == text else (text, decoded)


def mentions(text: str, paths=CONFIDENTIAL_PATHS) -> bool:
    """Whether the text carries one of the paths (any confidential path by default)."""
    return any(path.pattern.search(form) for form in _forms(text) for path in paths)


def scrub(text: str) -> str:
    """The text with every confidential path replaced by what a log may show of it."""
    for path in CONFIDENTIAL_PATHS:
        text = path.pattern.sub(path.shown_as, text)
    # A path hidden by percent-encoding: nothing of the value is kept.
    return REDACTED if mentions(text) else text


# Where a request carries a path: as routed, as sent, its query, and its referrer.
REQUEST_KEYS = ("PATH_INFO", "RAW_URI", "QUERY_STRING", "HTTP_REFERER")


def environ_mentions(environ, paths=CONFIDENTIAL_PATHS) -> bool:
    """Whether a request (its WSGI environ, or Django's request.META) carries one of the paths."""
    return any(mentions(environ.get(key) or "", paths) for key in REQUEST_KEYS)


class ConfidentialPaths(logging.Filter):
    """Django's log lines and error emails without a confidential path.

    Django logs "Not Found: /path" and "Forbidden (CSRF token missing.): /path" with the
    request attached; an error email prints that request (its referrer too) and the
    variables of every frame (a token among them). The message is scrubbed; for a
    request that touches a confidential path, the request and the frames' variables
    are dropped: the log keeps the traceback's text, an email the exception's message.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        scrubbed = scrub(message)
        if scrubbed != message:
            record.msg, record.args = scrubbed, ()
        request = getattr(record, "request", None)
        if request is not None and environ_mentions(getattr(request, "META", None) or {}):
            record.request = None
            if record.exc_info and record.exc_info[0] is not None:
                # The traceback's text stays for the log; the exception that reporters
                # walk for frames and their variables gives way to one with none.
                kind, value, _ = record.exc_info
                record.exc_text = logging.Formatter().formatException(record.exc_info)
                stand_in = ConfidentialPathError(scrub(f"{kind.__name__}: {value}"))
                record.exc_info = (ConfidentialPathError, stand_in, None)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        return True


class ConfidentialPathError(Exception):
    """What an error report shows of an exception raised serving a confidential path:
    its kind and message, without frames."""


class RefusalsWithoutTraceback(logging.Filter):
    """A refused request (403, 404, 405: a 4xx) is one line, not a traceback.

    Django logs these with the exception attached; the refusal is the expected
    outcome, so its stack says nothing. Server errors (5xx) keep theirs.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if record.name.startswith("django.request") and status is not None and status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
