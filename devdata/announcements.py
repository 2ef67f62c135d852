"""Demo announcements (issue 22): a few in OSSHTA, OPHN and the Oldham Schools Alliance,
one draft waiting for OSSHTA's coordinator, and one person who takes OPHN's
announcements in a weekly digest.

Called by seed_demo (devdata.demo) with the networks and accounts it made, after the
workhubs. Idempotent: an announcement already there (by network and subject) is left
as it is.

Each is written and sent through announcements.services, by a person who may write it
(a coordinator or administrator; the SEND workhub's lead to that workhub), within the
limits, with notify=False: recorded as sent to its audience, each person's copy marked
as a real send marks it (sent, or held for the digest), and nobody emailed, as demo data
emails nobody. The service sends "now"; each announcement is then given a date in the
past weeks by writing its dates directly, as demo data may (devdata.articles does the
same for articles). It is dated before the next one is sent, so every send counts the
limits as on the day it was made, and the dates keep them too: at most one
announcement a day in each network and one urgent one a month.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from announcements import services
from announcements.models import Announcement, Delivery
from core.dates import academic_year_label, academic_year_of
from members.models import User
from networks import services as network_services
from networks.models import EmailPreference, Network

A = Announcement.Audience
# Demo announcements go out at this time of day, London time.
SENT_AT = datetime.time(16, 30)
DIGEST_READER = "primary.head@example.org"


@dataclass
class Spec:
    network: str
    author: str
    subject: str
    body: str
    days_ago: int
    audience: str = A.NETWORK
    subgroup: str = ""
    workhub: str = ""
    is_urgent: bool = False


def _specs(year: str) -> list[Spec]:
    """Oldest first, so that ids run in the order they were sent."""
    return [
        Spec(
            "osshta",
            "administrator@example.org",
            f"Fees for {year} agreed at the AGM",
            f"Members at the AGM agreed to keep the annual fee for {year} at £450 for each "
            "member school. It pays for the conference and the association's "
            "administration.\n\n"
            "Heads of member schools find their school's invoice, and how to pay it, on "
            "OSSHTA's page. If your school has paid already, thank you.",
            days_ago=26,
        ),
        Spec(
            "oldham-schools-alliance",
            "oldham.primary.head2@example.org",
            "Partnership meeting: agenda and papers",
            "The agenda and papers for this term's partnership meeting are on the "
            "alliance's page. Each workhub lead will give a five-minute update on their "
            "workhub's priority, so please send your lead anything you want them to raise.",
            days_ago=19,
        ),
        Spec(
            "oldham-schools-alliance",
            "oldham.primary.head1@example.org",
            "Snow and ice: tell the LA of any closure by 8am",
            "The Met Office has warned of snow and ice across the borough overnight.\n\n"
            "If you decide to close your school tomorrow, tell the local authority **by "
            "8am** on the usual closures form, and tell parents as early as you can. The "
            "LA passes closures on to local radio and the council's website, so please do "
            "not close without telling it.",
            days_ago=15,
            is_urgent=True,
        ),
        Spec(
            "osshta",
            "coordinator@example.org",
            "School places consultation: your views by the end of term",
            "The county council is consulting on its plans for secondary school places over "
            "the next five years. OSSHTA will send one response for all its schools.\n\n"
            "Please send us your views on the proposals for your area, and any figures that "
            "support them, through the contact form on OSSHTA's page **by the end of "
            "term**. We will share a draft of the response before it goes.",
            days_ago=12,
        ),
        Spec(
            "oldham-schools-alliance",
            "oldham.head@example.org",
            "SEND workhub: planning day",
            "Our planning day for the rest of the year will be next month, from 9.30am to 3pm. "
            "The date and place will be on the workhub's page as soon as the venue is "
            "confirmed.\n\n"
            "Please bring your school's numbers of pupils on SEN support and with an EHC "
            "plan (numbers only, no names), and one thing that has worked well for you "
            "this year.",
            days_ago=9,
            audience=A.WORKHUB,
            workhub="SEND",
        ),
        Spec(
            "oxfordshire-primary-heads",
            "oxon.primary.head1@example.org",
            "SATs moderation briefing slides now on the site",
            "The slides from the local authority's Key Stage 2 moderation briefing are now "
            "with the papers of our last network meeting, on the network's page, together "
            "with the dates of this year's moderation visits.\n\n"
            "If your school is in this year's sample, the LA will contact you directly.",
            # A week ago: always in the week just ended, so that week's digest has it.
            days_ago=7,
        ),
        Spec(
            "osshta",
            "coordinator@example.org",
            "Conference planning: send us your themes",
            "Please send your ideas for the conference's themes and speakers through the "
            "contact form on OSSHTA's page before our next planning meeting. We will agree "
            "the programme there.",
            days_ago=4,
            audience=A.SUBGROUP,
            subgroup="osshta-coordinating-group",
        ),
        Spec(
            "oxfordshire-primary-heads",
            "oxon.primary.head2@example.org",
            "Two places for primary heads on the Schools Forum",
            "The county's Schools Forum has two places for primary heads from next term. "
            "If you would like to stand, tell one of the network's coordinators through "
            "the contact form on the network's page by the end of term.",
            days_ago=2,
        ),
    ]


DRAFT = Spec(
    "osshta",
    "coordinator@example.org",
    "Conference: call for workshop leaders",
    "We are looking for heads and senior leaders to lead a workshop at this year's "
    "conference: 45 minutes on something that has worked in your school.\n\n"
    "If you would like to, tell us your subject in a few lines through the contact form on "
    "OSSHTA's page.",
    days_ago=0,
)


def _people(emails: set[str]) -> dict[str, User]:
    return {person.email: person for person in User.objects.filter(email__in=emails)}


def _draft(spec: Spec, network: Network, author: User) -> Announcement:
    subgroup = Network.objects.get(slug=spec.subgroup) if spec.subgroup else None
    workhub = None
    if spec.workhub:
        year = academic_year_of(timezone.localdate())
        workhub = network.workhubs.get(name=spec.workhub, academic_year=year)
    return services.save_draft(
        network=network,
        author=author,
        subject=spec.subject,
        body=spec.body,
        audience=spec.audience,
        subgroup=subgroup,
        workhub=workhub,
        is_urgent=spec.is_urgent,
    )


def _sent_on(days_ago: int) -> datetime.date:
    """The day so many days ago, or the Friday before it if that is a weekend. Each
    network's announcements are three days or more apart, so it keeps them on separate
    days, in order, and in the same Monday-to-Sunday week (the digest's)."""
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    return day - datetime.timedelta(days=max(0, day.weekday() - 4))


def _date(announcement: Announcement, days_ago: int) -> None:
    """Put a demo announcement sent just now in the past (demo data only)."""
    day = _sent_on(days_ago)
    when = datetime.datetime.combine(day, SENT_AT, tzinfo=timezone.get_current_timezone())
    dated = Announcement.objects.filter(pk=announcement.pk)
    dated.update(created_at=when - datetime.timedelta(hours=1), sent_at=when, updated_at=when)
    dated.filter(fanned_out_at__isnull=False).update(fanned_out_at=when)
    Delivery.objects.filter(announcement=announcement, sent_at__isnull=False).update(sent_at=when)


@transaction.atomic
def seed_announcements(networks: dict[str, Network], log=print) -> None:
    """OSSHTA's, OPHN's and the Oldham alliance's announcements (sent and dated in the
    past weeks), one draft, and a weekly digest of OPHN's for primary.head@example.org."""
    year = academic_year_of(timezone.localdate())
    specs = _specs(academic_year_label(year))
    people = _people({spec.author for spec in [*specs, DRAFT]} | {DIGEST_READER})
    # Chosen before OPHN's announcements are sent, so hers are held for the digest.
    network_services.set_preference(
        person=people[DIGEST_READER],
        network=networks["oxfordshire-primary-heads"],
        choice=EmailPreference.Choice.DIGEST,
        how="demonstration data",
    )
    made = 0
    for spec in specs:
        network = networks[spec.network]
        if network.announcements.filter(subject=spec.subject).exists():
            continue
        author = people[spec.author]
        draft = _draft(spec, network, author)
        services.send_announcement(announcement=draft, by=author, notify=False)
        _date(draft, spec.days_ago)
        made += 1
    osshta = networks[DRAFT.network]
    if not osshta.announcements.filter(subject=DRAFT.subject).exists():
        _draft(DRAFT, osshta, people[DRAFT.author])
    log(
        f"Demo announcements: {made} new (OSSHTA, OPHN, the Oldham Schools Alliance), one "
        f"draft for OSSHTA's coordinator; {DIGEST_READER} takes OPHN's in a weekly digest"
    )
