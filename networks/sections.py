"""Sections that apps above networks add to a network's page (its meetings, its articles).

networks cannot import those apps: they stand on it. Instead each registers a
provider when Django starts (in its AppConfig.ready), and the network page asks
every provider for its section. A provider takes the request and the viewer's
NetworkAccess and returns a Section, or None to show nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Section:
    """A template to include on the network page, with its own context (`section.data`)."""

    template: str
    data: dict = field(default_factory=dict)
    order: int = 50


_providers: list[Callable] = []


def register(provider: Callable) -> Callable:
    """Add a provider (usable as a decorator); registering the same one twice adds it once."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def sections_for(request, perms) -> list[Section]:
    """Every registered app's section for this page, in their order."""
    sections = [provider(request, perms) for provider in _providers]
    return sorted((section for section in sections if section), key=lambda s: s.order)


# The same for a workhub's page: a provider takes the request, the viewer's NetworkAccess,
# the workhub and the ids of its leads (the page has them already).
_workhub_providers: list[Callable] = []


def register_for_workhub(provider: Callable) -> Callable:
    if provider not in _workhub_providers:
        _workhub_providers.append(provider)
    return provider


def workhub_sections_for(request, perms, workhub, lead_ids: set[int]) -> list[Section]:
    sections = [provider(request, perms, workhub, lead_ids) for provider in _workhub_providers]
    return sorted((section for section in sections if section), key=lambda s: s.order)


# One-to-one relations that apps above add to Network (fees: "fee_scheme"), fetched with
# the network on its page in the same query, so that their sections ask nothing more.
_related: list[str] = []


def fetch_with_network(relation: str) -> None:
    if relation not in _related:
        _related.append(relation)


def related_to_fetch() -> list[str]:
    return list(_related)
