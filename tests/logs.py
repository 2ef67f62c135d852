"""Reading the log lines a request writes: Django's (through the site's own LOGGING, its
filters included) and gunicorn's access log (through the site's logger class)."""

import copy
import datetime
import io
import logging.config
from contextlib import contextmanager
from urllib.parse import quote

from django.conf import settings
from gunicorn.config import Config

from core.access_log import AccessLogger


@contextmanager
def site_log():
    """Every handler of settings.LOGGING, filters and all, writing into one buffer."""
    stream = io.StringIO()
    config = copy.deepcopy(settings.LOGGING)
    for handler in config["handlers"].values():
        if handler["class"] == "logging.StreamHandler":
            handler["stream"] = stream
    logging.config.dictConfig(config)
    try:
        yield stream
    finally:
        logging.config.dictConfig(settings.LOGGING)


class _Response:
    def __init__(self, status: int, headers=()):
        self.status = f"{status} Whatever"
        self.status_code = status
        self.headers = list(headers)
        self.response_length = self.sent = 10


class _Request:
    headers = ()


def gunicorn_logger(log_format: str | None = None) -> tuple[AccessLogger, io.StringIO]:
    """The access logger gunicorn.conf.py names, set up as gunicorn does, into a buffer."""
    config = Config()
    config.set("accesslog", "-")
    if log_format:
        config.set("access_log_format", log_format)
    config.set("errorlog", "-")
    logger = AccessLogger(config)
    stream = io.StringIO()
    for log in (logger.access_log, logger.error_log):
        for handler in log.handlers:
            handler.setStream(stream)
    return logger, stream


def access_line(environ: dict, status: int = 200, headers=(), log_format=None) -> str:
    """What gunicorn's access log writes for one request (empty: nothing)."""
    environ = {
        "REQUEST_METHOD": "GET",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.9",
        "QUERY_STRING": "",
        **environ,
    }
    if "RAW_URI" not in environ:
        query = environ["QUERY_STRING"]
        environ["RAW_URI"] = quote(environ["PATH_INFO"]) + (f"?{query}" if query else "")
    logger, stream = gunicorn_logger(log_format)
    logger.access(_Response(status, headers), _Request(), environ, datetime.timedelta(0, 0, 1000))
    return stream.getvalue()


def access_line_of(response) -> str:
    """The access line of a test client's request, from the environ it was served with."""
    location = [("Location", response["Location"])] if response.has_header("Location") else []
    return access_line(dict(response.wsgi_request.META), response.status_code, location)
