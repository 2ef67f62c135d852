"""Where to send a person after a form: the page it named, if it is one of ours."""

from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request, target: str | None, fallback: str) -> str:
    """`target` when it is a page of this site (never another host, nor http from https)."""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback
