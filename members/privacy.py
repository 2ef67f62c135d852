"""This app's part of "download my data" and "close my account" (see portal.privacy)."""

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.db.models import Q

from core.dates import iso

from .models import EmailSuppression, User
from .signin.proof import proof_for


def _suppressions_of(person: User):
    """The bulk-mail records of the person's addresses (bounces, a complaint, a stop)."""
    addresses = {
        person.email,
        *EmailAddress.objects.filter(user=person).values_list("email", flat=True),
    }
    matching = Q()
    for address in addresses:
        matching |= Q(address__iexact=address)
    return EmailSuppression.objects.filter(matching)


def personal_data(person: User) -> dict:
    """The account, its addresses, posts (with the decisions on them: how, when, on which
    school account's evidence) and designations, and what bulk mail to its
    addresses met (bounces, a complaint, a stop)."""
    return {
        "account": {
            "email": person.email,
            "title": person.title,
            "first_name": person.first_name,
            "last_name": person.last_name,
            "show_email_to_members": person.show_email_to_members,
            "date_joined": iso(person.date_joined),
            "last_login": iso(person.last_login),
        },
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in EmailAddress.objects.filter(user=person)
        ],
        # The Microsoft, Google or DfE Sign-in accounts the person signs in with: the
        # provider's own id for them, and the address it gave.
        "connected_accounts": [
            {
                "provider": account.provider,
                "uid": account.uid,
                "email": proof_for(account.provider, account.extra_data).email,
                "connected_at": iso(account.date_joined),
                "last_signed_in_at": iso(account.last_login),
            }
            for account in SocialAccount.objects.filter(user=person).order_by("pk")
        ],
        "posts": [
            {
                "role": post.get_role_display(),
                "school": post.school.name,
                "urn": post.school.urn,
                "started_on": iso(post.started_on),
                "ended_on": iso(post.ended_on),
                "verification": post.get_verification_display(),
                "verified_how": post.get_verified_how_display(),
                # Who decided is left out: it names someone else.
                "decisions": [
                    {
                        "outcome": decision.get_outcome_display(),
                        "how": decision.get_how_display(),
                        "decided_at": iso(decision.decided_at),
                        "evidence_provider": decision.get_evidence_provider_display()
                        if decision.evidence_provider
                        else "",
                        "evidence": decision.account_label,
                    }
                    for decision in post.decisions.all()
                ],
            }
            for post in person.posts.select_related("school").prefetch_related("decisions")
        ],
        "designations": [
            {
                "designation": designation.get_kind_display(),
                "since": iso(designation.since),
                "evidence": designation.evidence,
                "state": designation.get_state_display(),
            }
            for designation in person.designations.all()
        ],
        "bulk_mail_stops": [
            {
                "address": row.address,
                "stopped": row.is_suppressed,
                "reason": row.get_reason_display(),
                "stopped_at": iso(row.suppressed_at),
                "hard_bounces": row.hard_bounces,
                "last_bounce_at": iso(row.last_bounce_at),
                "complained_at": iso(row.complained_at),
            }
            for row in _suppressions_of(person)
        ],
    }


def forget_person(person: User) -> None:
    """Delete the account: posts (with the decisions on them), designations, email
    addresses and connected accounts (with any token allauth kept) go with it; decisions
    the person made on others' posts stay, without them (PostDecision.decided_by is
    SET_NULL). The bulk-mail records of their addresses go
    too: they name the person by address, not by a link."""
    _suppressions_of(person).delete()
    person.delete()
