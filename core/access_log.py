"""gunicorn's access log, without the confidential paths of core.logfilters.

An access line holds the client's address, the time, the request and its
referrer. For a story's form and its author's private page (whose path is the
token), and for coaching, the line would tie the visit to an address, and through
the address to an account: such requests, and requests whose referrer is such a
page (a page's styles and scripts), are not logged at all. Other confidential
paths (a personal calendar feed's token) are blanked in a line that is kept.
"""

from gunicorn.glogging import Logger, SafeAtoms

from .logfilters import LINE_LEFT_OUT, ConfidentialPaths, environ_mentions, scrub


class ScrubbedAtoms(SafeAtoms):
    """The values a log format names, each scrubbed as it is read: the request line,
    the path, the query, the referrer, a header ({location}o of a redirect)..."""

    def __getitem__(self, key):
        value = super().__getitem__(key)
        return scrub(value) if isinstance(value, str) else value


# gunicorn's own error lines ("Error handling request /path") go through the same filter.
_CONFIDENTIAL_PATHS = ConfidentialPaths()


class AccessLogger(Logger):
    """gunicorn's logger, silent about stories and coaching, and blind to feed tokens."""

    atoms_wrapper_class = ScrubbedAtoms

    def setup(self, cfg):
        super().setup(cfg)
        self.error_log.addFilter(_CONFIDENTIAL_PATHS)

    def access(self, resp, req, environ, request_time):
        if environ_mentions(environ, LINE_LEFT_OUT):
            return
        super().access(resp, req, environ, request_time)
