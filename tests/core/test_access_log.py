"""gunicorn's access log leaves out story submissions and authors' private pages."""

import logging

import pytest
from gunicorn.config import Config

from core.access_log import AccessLogger


class _Response:
    status = "200 OK"
    status_code = 200
    headers = ()
    response_length = 10
    sent = 10


class _Request:
    headers = ()
    method = "GET"
    query = ""
    uri = ""
    version = (1, 1)


@pytest.mark.parametrize(
    ("path", "logged"),
    [
        ("/networks/heads-up/stories/new/", False),
        ("/networks/heads-up/stories/private/abc123/", False),
        ("/networks/heads-up/stories/private/abc123/withdraw/", False),
        ("/networks/heads-up/stories/", True),
        ("/networks/heads-up/", True),
    ],
)
def test_story_submissions_and_private_pages_are_not_in_the_access_log(path, logged, caplog):
    config = Config()
    config.set("accesslog", "-")
    logger = AccessLogger(config)
    logger.access_log.propagate = True
    environ = {
        "PATH_INFO": path,
        "RAW_URI": path,
        "REMOTE_ADDR": "203.0.113.9",
        "REQUEST_METHOD": "POST",
        "SERVER_PROTOCOL": "HTTP/1.1",
    }

    with caplog.at_level(logging.INFO, logger="gunicorn.access"):
        logger.access(_Response(), _Request(), environ, request_time=_Elapsed())

    assert ("203.0.113.9" in caplog.text) == logged


class _Elapsed:
    seconds = 0
    microseconds = 1000
