"""Find the pages to load in the benchmark's database, sign the two bench people in,
and count each page's SQL queries. Prints JSON for bench/run.py.

Run with DJANGO_SETTINGS_MODULE=config.bench_settings and the bench database.
"""

import json
import re
import sys

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count, Q  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from articles.models import Article  # noqa: E402
from discussions.models import Thread  # noqa: E402
from meetings import services as meeting_services  # noqa: E402
from members.models import LocalAuthority, User  # noqa: E402
from networks.models import Membership, Network  # noqa: E402
from voice.models import Poll  # noqa: E402

HOST = "127.0.0.1"
ADMIN_LIST = "Admin: membership list"
OFFICE_LIST = "Office: member list"
STOCK_ADMIN_LIST = "Admin: membership list, stock Django"


def largest_network() -> Network:
    return (
        Network.objects.annotate(
            members=Count("memberships", filter=Q(memberships__status=Membership.Status.ACTIVE))
        )
        .order_by("-members", "pk")
        .first()
    )


def busiest_open_poll(network: Network) -> Poll:
    """The network's open poll with the most votes."""
    return (
        network.polls.filter(state=Poll.State.OPEN)
        .annotate(votes=Count("vote_records"))
        .order_by("-votes", "pk")
        .first()
    )


def longest_thread(network: Network) -> Thread:
    """The network's thread with the most posts."""
    return network.threads.order_by("-post_count", "pk").first()


def bench_person(role: str) -> User:
    """One of the accounts seed_scale makes for the benchmark."""
    return User.objects.get(email=f"bench-{role}@example.org")


def session_cookie(person: User) -> str:
    client = Client()
    client.force_login(person, backend=settings.AUTHENTICATION_BACKENDS[0])
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def last_page_link(client: Client, path: str) -> str:
    """The page's own link to its last page (numbered or keyset, whichever it uses)."""
    html = client.get(path).content.decode()
    found = re.search(r'<a[^>]*href="([^"]+)"[^>]*>\s*(?:<[^>]+>\s*)*Last', html)
    if not found:
        sys.exit(f"No link to the last page on {path}: is the database seeded with seed_scale?")
    link = found.group(1).replace("&amp;", "&")
    return link if link.startswith("/") else f"{path.split('?')[0]}{link}"


def pages() -> list[dict]:
    network = largest_network()
    member, admin, staff = bench_person("member"), bench_person("admin"), bench_person("staff")
    feed = meeting_services.calendar_feed_for(member)
    article = (
        Article.objects.filter(state=Article.State.PUBLISHED, audience=Article.Audience.PUBLIC)
        .select_related("network")
        .order_by("-published_at", "pk")
        .first()
    )
    poll = busiest_open_poll(network)
    thread = longest_thread(network)
    area = LocalAuthority.objects.filter(networks__isnull=False).order_by("code").first()
    cookies = {
        None: "",
        "member": session_cookie(member),
        "admin": session_cookie(admin),
        "staff": session_cookie(staff),
    }
    members_path = f"/networks/{network.slug}/members/"
    member_client = Client(HTTP_HOST=HOST, HTTP_COOKIE=cookies["member"])
    listed = [
        ("Home", "/", None, "public"),
        ("Home (signed-in head)", "/", "member", "signed in"),
        ("Directory", "/networks/", None, "public"),
        ("Directory, text search", "/networks/?q=heads", None, "public"),
        ("Directory, area filter", f"/networks/?area={area.code}", None, "public"),
        ("Directory, page 10", "/networks/?page=10", None, "public"),
        ("Directory (signed-in head)", "/networks/", "member", "signed in"),
        ("Network page (visitor)", f"/networks/{network.slug}/", None, "public"),
        ("Network page (member)", f"/networks/{network.slug}/", "member", "signed in"),
        ("Member list, first page", members_path, "member", "signed in"),
        ("Member list, last page", last_page_link(member_client, members_path), "member",
         "signed in"),
        ("Meetings, filtered", f"/meetings/?network={network.slug}&format=online", None,
         "public"),
        ("Network schedule", f"/networks/{network.slug}/meetings/", None, "public"),
        ("My schedule", "/me/calendar/", "member", "signed in"),
        ("My page (/me/)", "/me/", "member", "signed in"),
        ("My page (/me/), administrator", "/me/", "admin", "signed in"),
        ("Network feed", f"/networks/{network.slug}/meetings.ics", None, "public"),
        ("Personal feed", feed.get_absolute_url(), None, "public"),
        ("Article", article.get_absolute_url(), None, "public"),
        ("Leaders directory", "/leaders/", "member", "signed in"),
        ("Announcement archive", reverse("announcements:archive", args=[network.slug]),
         "member", "signed in"),
        ("Poll", reverse("voice:poll_detail", args=[network.slug, poll.pk]), "member",
         "signed in"),
        ("Thread", reverse("discussions:thread", args=[network.slug, thread.pk]), "member",
         "signed in"),
        (OFFICE_LIST, f"/networks/{network.slug}/office/members/", "admin",
         "signed in"),
        # Django's admin pages: the target for them is the list's (below), not 10%.
        (ADMIN_LIST, f"/admin/networks/membership/?network={network.pk}",
         "admin", "admin"),
        (STOCK_ADMIN_LIST,
         f"/bench/stock-admin/networks/membership/?network__id__exact={network.pk}", "staff",
         "admin"),
    ]  # fmt: skip
    found = [
        {"name": name, "path": path, "cookie": cookies[who], "kind": kind}
        for name, path, who, kind in listed
    ]
    # The stock admin is the reference for the two membership lists administrators use,
    # not a page of the site.
    for page in found:
        if page["name"] in (ADMIN_LIST, OFFICE_LIST, STOCK_ADMIN_LIST):
            page["stock"] = page["name"] == STOCK_ADMIN_LIST
    return found


def count_queries(page: dict) -> tuple[int, int]:
    """SQL queries for the page on a cold cache, then served again."""
    client = Client(HTTP_HOST=HOST, HTTP_COOKIE=page["cookie"], HTTP_X_FORWARDED_PROTO="https")
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page["path"])
        if response.status_code != 200:
            sys.exit(f"{page['name']} {page['path']} answered {response.status_code}")
        counts.append(len(queries))
    return counts[0], counts[1]


def main() -> None:
    found = pages()
    cache.clear()
    for page in found:
        page["queries_cold"], page["queries_warm"] = count_queries(page)
    cache.clear()
    json.dump(found, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
