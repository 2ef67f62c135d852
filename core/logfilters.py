"""Logging filters: a development log that reads well."""

import logging


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
