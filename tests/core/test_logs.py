"""Django's own log lines and error emails show no confidential path (issue 19, finding 2)."""

import logging

import pytest
from django.conf import settings
from django.core import mail
from django.test import RequestFactory
from django.utils.log import AdminEmailHandler

from core.logfilters import ConfidentialPaths
from tests.logs import site_log

TOKEN = "Zq3xW9_private-story-token"
PRIVATE_PATH = f"/networks/heads-up/stories/private/{TOKEN}/"


def test_every_log_handler_leaves_out_confidential_paths():
    """A handler added to LOGGING later (error emails, a file) must carry the filter too."""
    without = [
        name
        for name, handler in settings.LOGGING["handlers"].items()
        if "confidential_paths" not in handler.get("filters", [])
    ]

    assert without == []


def test_runserver_s_request_lines_leave_out_the_token():
    with site_log() as log:
        logging.getLogger("django.server").info(
            '"%s" %s %s', f"GET {PRIVATE_PATH} HTTP/1.1", "200", "1234"
        )

    assert TOKEN not in log.getvalue()
    assert "GET [a story's private path] HTTP/1.1" in log.getvalue()


def test_a_calendar_token_in_a_django_line_is_blanked():
    with site_log() as log:
        logging.getLogger("django.request").warning("Not Found: %s", "/me/calendar/s3cret.ics")

    assert log.getvalue().strip() == "Not Found: /me/calendar/[token].ics"


def _fail_with_the_token_in_a_variable(token):
    raise RuntimeError("the database went away")


def test_an_error_email_about_a_story_path_carries_neither_token_nor_request(settings):
    """Django's error email prints the request (its path, its referrer) and every frame's
    variables: for a story's private page, none of them may reach the inbox."""
    settings.ADMINS = ["ops@headnet.example.org"]
    handler = AdminEmailHandler()
    handler.addFilter(ConfidentialPaths())
    logger = logging.getLogger("tests.error_email")
    logger.addHandler(handler)
    logger.propagate = False
    request = RequestFactory().get(
        PRIVATE_PATH, headers={"referer": f"https://h.example{PRIVATE_PATH}"}
    )
    try:
        try:
            _fail_with_the_token_in_a_variable(TOKEN)
        except RuntimeError:
            logger.error(
                "Internal Server Error: %s",
                request.path,
                exc_info=True,
                extra={"status_code": 500, "request": request},
            )
    finally:
        logger.removeHandler(handler)

    [email] = mail.outbox
    assert "Internal Server Error: [a story's private path]" in email.subject
    assert TOKEN not in email.subject + email.body
    assert "the database went away" in email.body  # the error itself is still reported


def test_an_error_email_about_another_page_keeps_its_report(settings):
    settings.ADMINS = ["ops@headnet.example.org"]
    handler = AdminEmailHandler()
    handler.addFilter(ConfidentialPaths())
    logger = logging.getLogger("tests.error_email")
    logger.addHandler(handler)
    logger.propagate = False
    request = RequestFactory().get("/networks/heads-up/")
    try:
        try:
            _fail_with_the_token_in_a_variable("nothing secret")
        except RuntimeError:
            logger.error(
                "Internal Server Error: %s",
                request.path,
                exc_info=True,
                extra={"status_code": 500, "request": request},
            )
    finally:
        logger.removeHandler(handler)

    [email] = mail.outbox
    assert "/networks/heads-up/" in email.subject
    assert "nothing secret" in email.body  # the frames' variables, as Django sends them


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (PRIVATE_PATH, "[a story's private path]"),
        ("/networks/heads-up/stories/new/", "[a story's private path]"),
        ("/networks/heads-up/support/12/take/", "[a coaching path]"),
        ("/coaching/12/", "[a coaching path]"),
        ("/coachingx/12/", "/coachingx/12/"),
        ("/me/calendar/abc.ics?x=1", "/me/calendar/[token].ics?x=1"),
        ("/me/calendar/", "/me/calendar/"),
        ("/email/unsubscribe/WzEsMV0:Nmok_-oH/", "/email/unsubscribe/[token]/"),
        ("/email/unsubscribe/", "/email/unsubscribe/"),
        (
            "/email/discussions/unsubscribe/WzE1LDFd:Q05TFM0l89WF/",
            "/email/discussions/unsubscribe/[token]/",
        ),
        (
            "/email/events/Zx9_long-secret/postmark/tracking/",
            "/email/events/[secret]/postmark/tracking/",
        ),
        ("/networks/heads-up/stories/12/", "/networks/heads-up/stories/12/"),
    ],
)
def test_the_one_list_says_what_a_log_shows_of_each_path(text, shown):
    from core.logfilters import scrub

    assert scrub(text) == shown


def test_a_server_error_on_a_story_path_keeps_its_traceback_without_the_token():
    request = RequestFactory().get(PRIVATE_PATH)

    with site_log() as log:
        try:
            raise RuntimeError(f"no story at {PRIVATE_PATH}")
        except RuntimeError:
            logging.getLogger("django.request").error(
                "Internal Server Error: %s",
                request.path,
                exc_info=True,
                extra={"status_code": 500, "request": request},
            )

    assert "Traceback" in log.getvalue()
    assert "RuntimeError: no story at [a story's private path]" in log.getvalue()
    assert TOKEN not in log.getvalue()
