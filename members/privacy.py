"""This app's part of "download my data" and "close my account" (see portal.privacy)."""

from allauth.account.models import EmailAddress

from core.dates import iso

from .models import User


def personal_data(person: User) -> dict:
    """The account, its addresses, posts and designations."""
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
        "posts": [
            {
                "role": post.get_role_display(),
                "school": post.school.name,
                "urn": post.school.urn,
                "started_on": iso(post.started_on),
                "ended_on": iso(post.ended_on),
                "verification": post.get_verification_display(),
                "verified_how": post.get_verified_how_display(),
            }
            for post in person.posts.select_related("school")
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
    }


def forget_person(person: User) -> None:
    """Delete the account: posts (with the decisions on them), designations and email
    addresses go with it; decisions the person made on others' posts stay, without them
    (PostDecision.decided_by is SET_NULL)."""
    person.delete()
