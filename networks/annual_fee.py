"""A network's annual fee, in words, for networks' own pages and emails.

The fee lives in the fees app's scheme, and fees stands on networks: networks
cannot import it. fees registers how to describe its scheme when Django starts
(in its AppConfig.ready); without a scheme (or without the fees app) a network
charges nothing and the words are empty.
"""

from collections.abc import Callable

from members.models import School

from .models import Network

type Describer = Callable[[Network, School | None], str]

_describers: list[Describer] = []


def register(describer: Describer) -> Describer:
    """Let `describer(network, school)` say what the network charges (the school's own
    amount when a school is given and its amount is known)."""
    if describer not in _describers:
        _describers.append(describer)
    return describer


def annual_fee(network: Network, school: School | None = None) -> str:
    """ "£450.00", or "£300.00 to £900.00, by the school's number of pupils"; empty when the
    network charges no fee."""
    for describer in _describers:
        if words := describer(network, school):
            return words
    return ""
