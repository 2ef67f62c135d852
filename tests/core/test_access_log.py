"""gunicorn's access log: nothing that ties a story or a request for coaching to an
address, and no calendar feed's token (issue 19, findings 2 and 14)."""

import pytest

from tests.logs import access_line, gunicorn_logger

ADDRESS = "203.0.113.9"
TOKEN = "Zq3xW9_private-story-token"
FEED_TOKEN = "kP2m_feed-token-8a7"


@pytest.mark.parametrize(
    ("path", "logged"),
    [
        ("/networks/heads-up/stories/new/", False),
        ("/networks/heads-up/stories/private/abc123/", False),
        ("/networks/heads-up/stories/private/abc123/withdraw/", False),
        # Without the slash (Django redirects it) and miscased (a 404): the token all the same.
        ("/networks/heads-up/stories/private/abc123", False),
        ("/NETWORKS/heads-up/Stories/Private/abc123/", False),
        ("/networks/heads-up/stories/", True),
        ("/networks/heads-up/stories/12/", True),
        ("/networks/heads-up/stories/newsletter/", True),
        ("/networks/heads-up/", True),
    ],
)
def test_story_submissions_and_private_pages_are_not_in_the_access_log(path, logged):
    line = access_line({"PATH_INFO": path, "REQUEST_METHOD": "POST"})

    assert (ADDRESS in line) == logged


def test_a_style_sheet_loaded_by_a_story_s_private_page_is_not_in_the_access_log():
    """The attack: the page's Referer carried the private URL into the line for every
    style sheet, script and link, beside the visitor's address and the time."""
    private_page = f"https://headnet.example.org/networks/heads-up/stories/private/{TOKEN}/"

    from_story = access_line({"PATH_INFO": "/static/css/site.css", "HTTP_REFERER": private_page})
    from_elsewhere = access_line(
        {
            "PATH_INFO": "/static/css/site.css",
            "HTTP_REFERER": "https://headnet.example.org/networks/heads-up/",
        }
    )

    assert from_story == ""
    assert ADDRESS in from_elsewhere and "/networks/heads-up/" in from_elsewhere


def test_a_sign_in_page_reached_from_the_story_form_is_not_in_the_access_log():
    # A visitor sent to sign in carries the story form in next= (percent-encoded or not).
    for query in (
        "next=/networks/heads-up/stories/new/",
        "next=%2Fnetworks%2Fheads-up%2Fstories%2Fnew%2F",
    ):
        assert access_line({"PATH_INFO": "/accounts/login/", "QUERY_STRING": query}) == ""


def test_a_personal_feed_is_logged_without_its_token():
    line = access_line({"PATH_INFO": f"/me/calendar/{FEED_TOKEN}.ics"})

    assert FEED_TOKEN not in line
    assert '"GET /me/calendar/[token].ics HTTP/1.1" 200' in line
    assert ADDRESS in line  # that calendars poll is no secret: the line stays


def test_a_personal_feed_s_token_percent_encoded_is_not_in_the_log_either():
    line = access_line(
        {
            "PATH_INFO": f"/me/calendar/{FEED_TOKEN}.ics",
            "RAW_URI": f"/me/calendar/{FEED_TOKEN}%2Eics",
        }
    )

    assert FEED_TOKEN not in line
    assert ADDRESS in line


@pytest.mark.parametrize(
    "path",
    [
        "/networks/heads-up/support/",
        "/networks/heads-up/support/coach/",
        "/networks/heads-up/support/42/",
        "/networks/heads-up/support/42/take/",
        "/coaching/42/",
    ],
)
def test_coaching_requests_are_not_in_the_access_log(path):
    asked = access_line({"PATH_INFO": path, "REQUEST_METHOD": "POST"})
    # Nor the page's style sheet, whose Referer would name the request.
    styled = access_line(
        {"PATH_INFO": "/static/css/site.css", "HTTP_REFERER": f"https://h.example{path}"}
    )

    assert asked == styled == ""


def test_a_log_format_naming_other_values_still_leaves_the_token_out():
    """An operator's own format may log a response header (a redirect's Location), any
    request header or environ value: each is scrubbed as it is read."""
    line = access_line(
        {"PATH_INFO": "/elsewhere/", "HTTP_X_ORIGINAL_URI": f"/me/calendar/{FEED_TOKEN}.ics"},
        status=302,
        headers=[("Location", f"/networks/heads-up/stories/private/{TOKEN}/")],
        log_format=(
            '%(h)s "%(r)s" %(s)s %({location}o)s %({x-original-uri}i)s %({http_x_original_uri}e)s'
        ),
    )

    assert TOKEN not in line and FEED_TOKEN not in line
    assert "[a story's private path]" in line and "/me/calendar/[token].ics" in line
    assert ADDRESS in line


def test_gunicorn_s_own_error_lines_leave_out_the_token():
    logger, stream = gunicorn_logger()

    logger.error("Error handling request %s", f"/networks/heads-up/stories/private/{TOKEN}/")

    assert "Error handling request" in stream.getvalue()
    assert TOKEN not in stream.getvalue()
