"""What every provider's views share: a 404 where the provider is not configured."""

import functools
from collections.abc import Callable
from typing import Any

from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView
from django.http import Http404, HttpRequest, HttpResponse

from .idtoken import NonceCallbackMixin


class CallbackView(NonceCallbackMixin, OAuth2CallbackView):
    """allauth's callback, with the state's nonce handed to the ID token check."""


def configured_only(provider_id: str | None = None) -> Callable[..., Callable[..., HttpResponse]]:
    """A provider without its client id and secret is not there: 404, not an error. (The
    adapter still gives a stand-in app for it, so that accounts connected while it was
    configured can be listed and disconnected: members.social.SocialAccountAdapter.get_app.)
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            provider = provider_id or kwargs.get("provider_id")
            if not provider or not get_adapter(request).list_apps(request, provider=provider):
                raise Http404("This way of signing in is not set up.")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
