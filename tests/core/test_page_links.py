"""includes/_pagination.html's links (core.templatetags.pages) are what Django's
`{% querystring page=n %}` gives, whatever else the query string holds."""

import pytest
from django.core.paginator import Paginator
from django.template import RequestContext, Template
from django.test import RequestFactory

QUERYSTRING_LINKS = Template(
    "{{ page.has_previous }}:{% if page.has_previous %}"
    "{% querystring page=page.previous_page_number %}{% endif %}|"
    "{% for number in page.paginator.get_elided_page_range %}"
    "{{ number }}={% querystring page=number %};{% endfor %}|"
    "{% if page.has_next %}{% querystring page=page.next_page_number %}{% endif %}"
)
PAGE_LINKS = Template(
    "{% load pages %}{% page_links page as links %}"
    "{{ page.has_previous }}:{{ links.previous }}|"
    "{% for number, address in links.numbers %}{{ number }}={{ address }};{% endfor %}|"
    "{{ links.next }}"
)


@pytest.mark.parametrize(
    "query",
    [
        "",
        "page=7",
        "page=7&q=heads",
        "q=heads&page=7&sort=-name",
        "q=heads&sort=name",
        "tag=a&tag=b&page=30&tag2=%26%3D+é",
        "page=1&page=9&q=x",
        "q=",
    ],
)
@pytest.mark.parametrize("number", [1, 7, 30, 60])
def test_the_links_are_those_querystring_gives(query, number):
    request = RequestFactory().get(f"/threads/?{query}")
    page = Paginator(range(1200), 20).get_page(number)
    expected = QUERYSTRING_LINKS.render(RequestContext(request, {"page": page}))
    got = PAGE_LINKS.render(RequestContext(request, {"page": page}))
    assert got == expected
    assert "page=" in got
