"""The office's navigation, built in this one place.

Each part of the office (members, invitations and imports, fees, participation per
school, history) is an entry
here with its URL name and who may use it. An entry whose URL does not exist yet is
left out, so a part appears in the navigation the day its URLs are merged, with no
change here. templates/office/base.html shows the entries; views pass the viewer's
NetworkAccess as `perms`, and the `office_navigation` tag does the rest.
"""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from networks.access import NetworkAccess

ADMINISTRATORS = "administrators"
COORDINATORS = "coordinators"


@dataclass(frozen=True)
class Entry:
    label: str
    url_name: str
    who: str = ADMINISTRATORS  # or COORDINATORS: administrators and coordinators
    school_based_only: bool = False  # fees: only a network whose members are schools


ENTRIES = [
    Entry("Waiting work", "office:home", who=COORDINATORS),
    Entry("Members", "office:members"),
    Entry("Invitations and imports", "office:invitations"),
    Entry("Fees", "office:fees", school_based_only=True),
    # Attendance's page, outside the office's address, for coordinators too.
    Entry("Participation", "attendance:participation", who=COORDINATORS),
    Entry("History", "office:history"),
]


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    is_current: bool


def _may_use(entry: Entry, perms: NetworkAccess) -> bool:
    if entry.school_based_only and not perms.network.is_school_based:
        return False
    return perms.can_administer or (entry.who == COORDINATORS and perms.can_coordinate)


def links_for(perms: NetworkAccess, path: str) -> list[Link]:
    """The entries the viewer may use, with the one for the page at `path` marked current
    (a part's own pages, under its address, count as it)."""
    links = []
    for entry in ENTRIES:
        if not _may_use(entry, perms):
            continue
        try:
            url = reverse(entry.url_name, args=[perms.network.slug])
        except NoReverseMatch:
            continue  # a part not built (or not merged) yet
        links.append(Link(entry.label, url, is_current=False))
    # The longest address the page is under: the office's home is under every one.
    current = max((link.url for link in links if path.startswith(link.url)), key=len, default="")
    return [Link(link.label, link.url, link.url == current) for link in links]
