"""What every provider's views share: a 404 where the provider is not configured."""

import functools
from collections.abc import Callable
from typing import Any

from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView
from django.http import Http404, HttpRequest, HttpResponse

from .idtoken import NonceCallbackMixin


class CallbackView(NonceCallbackMixin, OAuth2CallbackView):
    """allauth's callback, with the state's nonce handed to the ID token check."""


def configured_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A provider without its client id and secret is not there: 404, not an error."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except SocialApp.DoesNotExist:
            raise Http404("This way of signing in is not set up.") from None

    return wrapper
