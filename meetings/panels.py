"""Panels that apps above meetings add to a meeting's page (its register, a check-in, a
certificate of attendance).

meetings cannot import those apps: they stand on it. Each registers a provider in its
AppConfig.ready(); the meeting page asks every provider for its panel. A provider takes
the request and the viewer's MeetingAccess and returns a networks.sections.Section (a
template with its own context, `section.data`), or None to show nothing.
"""

from collections.abc import Callable

from networks.sections import Section

_providers: list[Callable] = []


def register(provider: Callable) -> Callable:
    """Add a provider (usable as a decorator); registering the same one twice adds it once."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def panels_for(request, meeting_access) -> list[Section]:
    """Every registered app's panel for this meeting's page, in their order."""
    panels = [provider(request, meeting_access) for provider in _providers]
    return sorted((panel for panel in panels if panel), key=lambda p: p.order)
