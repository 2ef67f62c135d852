"""`{% page_links page as links %}`: the addresses includes/_pagination.html links to,
each what `{% querystring page=n %}` gives (the query string with its page replaced, in
place, or added last), with the rest of the query string encoded once a list rather
than once a link (a dozen copies of the query a long thread's page made)."""

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django import template
from django.core.paginator import Page
from django.http import QueryDict

register = template.Library()


@dataclass(frozen=True)
class PageLinks:
    previous: str  # "" on the first page
    next: str  # "" on the last
    # Each entry of the paginator's elided range, with its address.
    numbers: list[tuple[int | str, str]]


def page_address(query: QueryDict) -> Callable[[int | str], str]:
    """The address of a page number: the query with its page replaced."""
    before, after, seen = QueryDict(mutable=True), QueryDict(mutable=True), False
    for key, values in query.lists():
        if key == "page":
            seen = True
        else:
            (after if seen else before).setlist(key, values)
    head, tail = before.urlencode(), after.urlencode()

    def address(number: int | str) -> str:
        # As QueryDict encodes it: a number as it is, the ellipsis quoted.
        page = f"page={number}" if isinstance(number, int) else urlencode({"page": number})
        return "?" + "&".join(part for part in (head, page, tail) if part)

    return address


@register.simple_tag(takes_context=True)
def page_links(context: template.Context, page: Page) -> PageLinks:
    address = page_address(context.request.GET)  # type: ignore[attr-defined]
    return PageLinks(
        previous=address(page.previous_page_number()) if page.has_previous() else "",
        next=address(page.next_page_number()) if page.has_next() else "",
        numbers=[(number, address(number)) for number in page.paginator.get_elided_page_range()],
    )
