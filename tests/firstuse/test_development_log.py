"""Issue 14: the development log shows one line per refused request."""

import copy
import io
import logging.config

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def log():
    """The site's own logging configuration, writing into a buffer."""
    stream = io.StringIO()
    config = copy.deepcopy(settings.LOGGING)
    config["handlers"]["console"]["stream"] = stream
    logging.config.dictConfig(config)
    yield stream
    logging.config.dictConfig(settings.LOGGING)


def test_a_refused_request_is_one_line_in_the_log(client, log, network, head):
    client.force_login(head)

    response = client.get(reverse("networks:requests", args=[network.slug]))

    assert response.status_code == 403
    lines = [line for line in log.getvalue().splitlines() if line.strip()]
    assert lines == [f"Forbidden (Permission denied): /networks/{network.slug}/requests/"]


def test_a_server_error_keeps_its_traceback(log):
    logger = logging.getLogger("django.request")
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        logger.error("Internal Server Error: /", exc_info=True, extra={"status_code": 500})

    assert "Traceback" in log.getvalue()
    assert log.getvalue().count("Internal Server Error") == 1
