"""What the confidential surfaces contain, not only who gets a 200 (security test, "done
when"): a coaching request's words and who asked appear on no page, email, export or log
line for anyone but the requester and the coach who holds it.

Built on the URL matrix next to this file: its scene, its personas and every URL it
knows, plus every admin changelist and the admin pages of the scene's objects. Each of
the people around a request (site staff, the network's administrator, a coordinator,
another coach of the same pool, a broker, a member) opens all of them and must find
none of the secret words. The requester's name and address may be on a page for other
reasons (a member list): there the page must read the same with the request deleted.
The positive control: the requester and the holding coach, through the same reading,
do find them, so a check that reads nothing cannot pass.
"""

import json
import logging
import time

import pytest
from django.contrib.admin.sites import site as admin_site
from django.core import mail
from django.urls import reverse

from members.adapters import SIGNED_IN_AT
from support import coaching
from support.models import Coach, SupportRequest
from tests import factories
from tests import test_url_matrix as matrix
from tests.test_url_matrix import (  # noqa: F401 (the matrix's fixtures)
    _people_and_scene,
    personas,
    scene,
    scene_made_once,
)

pytestmark = pytest.mark.django_db

# What the request says, and the coach's note on it: never shown to anyone else.
WORDS = [
    "Sentinel-note: my chair belittles me in every meeting",
    "07700 900461",
    "Thursdays after nine sentinel",
    "Sentinel-coach-note: rang her back",
]
# Who asked: on a page only as it would be without the request.
REQUESTER = {"first_name": "Perpetua", "last_name": "Quillfeather"}
REQUESTER_EMAIL = "perpetua.quill@school.example"
WHO = [REQUESTER["first_name"], REQUESTER["last_name"], REQUESTER_EMAIL]

# The people around the request who must not read it (the matrix's personas, and two of
# the scene's: the colleague coaches in the same pool, the broker brokers its scheme).
AROUND = ["staff", "administrator", "coordinator", "colleague", "broker", "member"]
SKIPPED = {"admin:logout"}  # it would sign the reader out half way


@pytest.fixture
def secret(scene):  # noqa: F811 (the matrix's fixture)
    """A request in the scene's network, taken by a coach who has written a note on it."""
    holder = factories.make_head(email="holder@school.example", first_name="Hester")
    Coach.objects.create(network=scene["network"], person=holder)
    requester = factories.make_head(email=REQUESTER_EMAIL, **REQUESTER)
    factories.make_membership(person=requester, network=scene["network"])
    item = coaching.ask_for_support(
        network=scene["network"], requester=requester, help="treatment", contact_by="phone",
        contact_details=WORDS[1], contact_when=WORDS[2], note=WORDS[0],
    )  # fmt: skip
    coaching.take_request(support_request=item, coach=holder)
    coaching.add_note(support_request=item, author=holder, text=WORDS[3])
    return {"request": item, "requester": requester, "holder": holder}


def _urls(scene, secret) -> list[str]:  # noqa: F811
    """Every page the matrix knows (GET), every admin changelist and the admin pages of
    the scene's objects, and the pages about the request and the people in it."""
    urls = []
    for name, cases in matrix.ROUTES.items():
        for case in cases:
            if case.method == "get" and name not in SKIPPED:
                urls.append(reverse(name, args=case.args(scene)))
    for model in admin_site._registry:
        opts = model._meta
        urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        obj = matrix._admin_object(model, scene)
        if obj is not None:
            for action in ("change", "history"):
                urls.append(
                    reverse(f"admin:{opts.app_label}_{opts.model_name}_{action}", args=[obj.pk])
                )
    item, network = secret["request"], scene["network"]
    urls += [
        reverse("support:request", args=[network.slug, item.pk]),
        reverse("support:coach", args=[network.slug]),
        reverse("support:ask", args=[network.slug]),
        reverse("portal:person", args=[secret["requester"].pk]),
        reverse("admin:members_user_change", args=[secret["requester"].pk]),
        reverse("admin:members_user_change", args=[secret["holder"].pk]),
        reverse("admin:support_coach_change", args=[Coach.objects.get(person=secret["holder"]).pk]),
        reverse("portal:data_download"),  # my data, with the password just given
    ]
    return list(dict.fromkeys(urls))


def _text(response) -> str:
    if not response.streaming and response.get("Content-Type") == "application/pdf":
        # An invoice's PDF: made from the invoice template alone (school, amount, reference,
        # bank details), whose text tests/fees/test_pdf.py reads; its streams are compressed,
        # so there is no text to search here.
        assert response.content.startswith(b"%PDF")
        return ""
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def _read(client, person, urls) -> dict[str, str]:
    """Each page as the person reads it."""
    client.force_login(person)
    session = client.session
    session[SIGNED_IN_AT] = time.time()  # as if the password was just given: my-data opens
    session.save()
    return {url: _text(client.get(url)) for url in urls}


class _Lines(logging.Handler):
    """Every log line written, as the configured handlers would write it."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines = []

    def emit(self, record):
        self.lines.append(self.format(record))


@pytest.fixture
def log_lines():
    """Catch what every logger writes: the root's and those that do not pass lines up."""
    handler = _Lines()
    loggers = [logging.getLogger()] + [
        logger
        for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger) and not logger.propagate
    ]
    for logger in loggers:
        logger.addHandler(handler)
    yield handler.lines
    for logger in loggers:
        logger.removeHandler(handler)


def _found(pages: dict[str, str], words) -> dict[str, list[str]]:
    return {
        url: [word for word in words if word.lower() in page.lower()]
        for url, page in pages.items()
        if any(word.lower() in page.lower() for word in words)
    }


def _counts(page: str) -> list[int]:
    return [page.lower().count(word.lower()) for word in WHO]


@pytest.mark.parametrize("who", AROUND)
def test_nobody_around_a_coaching_request_reads_it_anywhere(
    log_lines,  # first: from the asking on
    client,
    personas,  # noqa: F811
    scene,  # noqa: F811
    secret,
    who,
):
    person = personas[who] if who in personas else scene[who]
    urls = _urls(scene, secret)
    pages = _read(client, person, urls)
    assert len(pages) > 150  # every page the matrix knows, and the admin's

    assert _found(pages, WORDS) == {}, f"the request's words, as {who}"
    named = _found(pages, WHO)
    if named:
        # On a page for another reason (a member list): it must not change with the request.
        before = {url: _counts(pages[url]) for url in named}
        SupportRequest.objects.filter(pk=secret["request"].pk).delete()
        again = _read(client, person, list(named))
        after = {url: _counts(again[url]) for url in named}
        assert before == after, f"who asked, as {who}"
    for line in log_lines:
        for word in [*WORDS, *WHO]:
            assert word.lower() not in line.lower(), line


def test_the_requester_and_the_holding_coach_read_it_the_same_way(client, scene, secret):  # noqa: F811
    """The positive control: the same reading finds the words where they belong, and
    only there."""
    urls = _urls(scene, secret)
    item, network = secret["request"], scene["network"]
    request_page = reverse("support:request", args=[network.slug, item.pk])
    my_data = reverse("portal:data_download")

    mine = _read(client, secret["requester"], urls)
    assert _found(mine, WORDS) == {request_page: WORDS[:3], my_data: WORDS[:3]}
    assert json.loads(mine[my_data])["support_requests"][0]["note"] == WORDS[0]

    held = _read(client, secret["holder"], urls)
    assert _found(held, WORDS) == {request_page: WORDS}
    assert _found({request_page: held[request_page]}, WHO) == {request_page: WHO}


def test_no_email_about_a_coaching_request_says_what_it_is_or_who_asked(
    client,
    personas,  # noqa: F811
    scene,  # noqa: F811
    secret,
):
    """Every email the scene, the request and the reading of every page sent."""
    for who in ["colleague", "broker", "staff"]:
        _read(client, personas.get(who) or scene[who], _urls(scene, secret))
    # The holder leaves the pool: who removed whom to the pool, the request back to it.
    holder = Coach.objects.get(person=secret["holder"])
    coaching.remove_coach(coach=holder, by=personas["staff"])
    assert any("left the coach pool" in message.subject for message in mail.outbox)
    assert mail.outbox
    for message in mail.outbox:
        text = f"{message.subject}\n{message.body}".lower()
        for word in WORDS:
            assert word.lower() not in text, (message.to, message.subject)
        if message.to != [REQUESTER_EMAIL]:
            for word in WHO:
                assert word.lower() not in text, (message.to, message.subject)
