"""Re-examine every post Headnet verified by evidence alone, under the rule of
docs/rules.md ("Posts and verification") as rewritten for issue 19, finding 1.

Until now a headship was verified when the profile's name matched the register's head
(public data) or when the person had a verified address at the school's web domain,
whatever that domain was; any other post by the address alone. Today:

- a headship needs both the register's head name and a verified address at the school's
  OWN domain (members.web_domains), and no one else leading the school by a verified
  headship in post (decided by a person, or kept by this migration, earliest first);
- a deputy's, business leader's or chair of governors' post needs that address;
- any other post is never verified automatically.

A post, not ended, that no longer qualifies becomes a claim again: unverified, with a
PostDecision (outcome "unverified", how "reexamined") and an audit event saying so. It
waits in the claims queues for the school's verified head, its networks' administrators
or site staff. Nobody is emailed from a migration.

Seats are not moved here (the services that move them and email people cannot run on
historical models): the next `manage.py reconcile_memberships` (daily) passes a seat held
by a reopened claim to the school's verified head in post, if there is one free to take
it; with no verified head, the holder keeps it as seats from before verification do.
Roles (coordinator, administrator) on a seat lost to an impostor are not restored: an
administrator gives them back.

Reversing restores nothing (the reopened claims stay claims).
"""

from django.db import migrations
from django.db.models import Q
from django.utils import timezone

from members import web_domains

AUTOMATIC = ("register", "school_domain", "register_and_domain")
HEAD_ROLES = ("headteacher", "executive_head", "head_of_school", "interim_head")
ROLES_AN_ADDRESS_PROVES = ("senior_leader", "business_leader", "chair_of_governors")


def _name_key(name: str) -> str:
    return "".join(name.split()).casefold()


def _named_by_register(school, person) -> bool:
    register = (_name_key(school.head_first_name), _name_key(school.head_last_name))
    return all(register) and register == (_name_key(person.first_name), _name_key(person.last_name))


def reexamine(apps, schema_editor):
    Post = apps.get_model("members", "Post")
    PostDecision = apps.get_model("members", "PostDecision")
    School = apps.get_model("members", "School")
    EmailAddress = apps.get_model("account", "EmailAddress")
    AuditEvent = apps.get_model("core", "AuditEvent")
    ContentType = apps.get_model("contenttypes", "ContentType")

    today = timezone.localdate()
    not_ended = Q(ended_on__isnull=True) | Q(ended_on__gte=today)
    automatic = (
        Post.objects.filter(not_ended, verification="verified", verified_how__in=AUTOMATIC)
        .select_related("person", "school")
        .order_by("decided_at", "pk")
    )
    # Schools with a head in post verified by a person; a kept automatic headship joins them.
    led = set(
        Post.objects.filter(
            not_ended,
            started_on__lte=today,
            verification="verified",
            role__in=HEAD_ROLES,
        )
        .exclude(verified_how__in=AUTOMATIC)
        .values_list("school_id", flat=True)
    )
    domains = {}

    def own_domain(school) -> str:
        if school.pk not in domains:
            host = web_domains.host_of(school.website)
            others = (
                School.objects.exclude(status="closed")
                .exclude(pk=school.pk)
                .filter(website__icontains=host)
                .values_list("website", flat=True)
                if host
                else []
            )
            domains[school.pk] = web_domains.own_domain(school.website, others)
        return domains[school.pk]

    def has_school_address(post) -> bool:
        domain = own_domain(post.school)
        addresses = EmailAddress.objects.filter(user_id=post.person_id, verified=True)
        return bool(domain) and any(
            web_domains.address_domain(address.email) == domain for address in addresses
        )

    def qualifies(post) -> bool:
        if post.role in ROLES_AN_ADDRESS_PROVES:
            return has_school_address(post)
        if post.role not in HEAD_ROLES:
            return False
        return (
            _named_by_register(post.school, post.person)
            and post.school_id not in led
            and has_school_address(post)
        )

    post_type = None
    now = timezone.now()
    for post in automatic:
        if qualifies(post):
            if post.role in HEAD_ROLES:
                led.add(post.school_id)
            continue
        post.verification = "unverified"
        post.verified_how = ""
        post.decided_at = None
        post.seat_question = ""
        post.save(update_fields=["verification", "verified_how", "decided_at", "seat_question"])
        PostDecision.objects.create(
            post=post, outcome="unverified", how="reexamined", decided_by=None, decided_at=now
        )
        if post_type is None:
            post_type, _ = ContentType.objects.get_or_create(app_label="members", model="post")
        person = post.person
        name = " ".join(p for p in (person.title, person.first_name, person.last_name) if p)
        AuditEvent.objects.create(
            created_at=now,
            actor=None,
            actor_name="",
            subject=person,
            subject_name=name or person.email,
            content_type=post_type,
            object_id=post.pk,
            object_repr=f"{post.get_role_display()} at {post.school.name}"[:200],
            action="post.reopened",
            changes={"Verification": ["Confirmed", "Not yet confirmed"], "_automatic": True},
            summary=(
                "Verification re-examined under the rule of issue 19: the evidence no longer "
                "suffices, so the post is a claim again"
            ),
        )


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0006_post_seat_question_and_evidence"),
        ("core", "0002_audit_event"),
        ("account", "0009_emailaddress_unique_primary_email"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(reexamine, migrations.RunPython.noop)]
