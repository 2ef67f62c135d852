"""Support objects for the permission matrix's scene (tests/test_url_matrix.py).

`network` has a coach pool (the colleague) and a waiting coaching request from a head
who is none of the personas; `other_network` has its own. No persona is a coach,
a requester, a broker, a mentor or a mentee, so each of them must be refused.
"""

import datetime

from django.utils import timezone

from support.models import (
    Broker,
    CheckIn,
    Coach,
    MentoringScheme,
    MentorOffer,
    MentorRequest,
    Pairing,
    SupportRequest,
)
from tests import factories


def support_scene(network, other_network, colleague) -> dict:
    Coach.objects.create(network=network, person=colleague)
    other_coach = factories.make_head(email="other.coach@school.example")
    Coach.objects.create(network=other_network, person=other_coach)
    requester = factories.make_head(email="asking@school.example")

    def ask(where):
        return SupportRequest.objects.create(
            network=where, requester=requester, help="talk", contact_by="email", note="Private"
        )

    scheme = MentoringScheme.objects.create(name="Mentoring", slug="mentoring", network=network)
    other_scheme = MentoringScheme.objects.create(
        name="Elsewhere", slug="elsewhere", network=other_network
    )
    broker = factories.make_head(email="broker@school.ex")
    Broker.objects.create(scheme=scheme, person=broker)
    mentor = factories.make_head(email="mentor@school.example")
    offer = MentorOffer.objects.create(scheme=scheme, mentor=mentor, capacity=2)
    mentee = factories.make_head(email="mentee@school.example")
    request = MentorRequest.objects.create(scheme=scheme, mentee=mentee)
    other_mentee = factories.make_head(email="other.mentee@school.example")
    pairing = Pairing.objects.create(
        scheme=scheme, mentor=mentor, mentee=other_mentee, request=None, state="active"
    )
    CheckIn.objects.create(pairing=pairing, months=3)
    # A head in post for four months who has not asked: a broker may propose them a mentor.
    new_head = factories.make_user(email="new.head@school.example")
    factories.make_post(
        person=new_head,
        school=factories.make_school(),
        started_on=timezone.localdate() - datetime.timedelta(days=120),
    )
    return {
        "support_request": ask(network),
        "other_support_request": ask(other_network),
        "scheme": scheme,
        "mentor_request": request,
        "other_mentor_request": MentorRequest.objects.create(
            scheme=other_scheme, mentee=other_mentee
        ),
        "mentor_offer": offer,
        "pairing": pairing,
        # The people in them, for the pages only they see (the query budget's test).
        "requester": requester,
        "broker": broker,
        "mentor": mentor,
        "mentee": mentee,
        "paired_mentee": other_mentee,
        "new_head": new_head,
    }
