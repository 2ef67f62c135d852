"""gunicorn's access log, without the requests that could name a story's author.

An access line holds the client's address, the time and the path. For a story's
form and its author's private page (whose path is the token) that would tie an
anonymous story to an address, and through the address to an account, so those
requests are not logged at all. Everything else is logged as before.
"""

import re

from gunicorn.glogging import Logger

# /networks/<slug>/stories/new/ and /networks/<slug>/stories/private/<token>/...
UNLOGGED_PATH = re.compile(r"^/networks/[^/]+/stories/(new|private)/")


class AccessLogger(Logger):
    """gunicorn's logger, silent about story submissions and authors' private pages."""

    def access(self, resp, req, environ, request_time):
        # The decoded path (what Django routes) or the raw one (what would be logged).
        paths = (environ.get("PATH_INFO", ""), environ.get("RAW_URI", ""))
        if any(UNLOGGED_PATH.match(path) for path in paths):
            return
        super().access(resp, req, environ, request_time)
