"""The token in every announcement's unsubscribe link: the only credential that link has.

It is signed with SECRET_KEY under a salt of its own, and binds one person to one
network: altering either id breaks the signature, so a token can stop only its own
person's announcements from its own network. It does not expire: an unsubscribe link
in an old email keeps working, as RFC 8058 expects.
"""

from django.core import signing

from members.models import User
from networks.models import Network

SALT = "announcements.unsubscribe"


def unsubscribe_token(person: User, network: Network) -> str:
    """The token that stops `network`'s announcements to `person` (URL-safe)."""
    return token_for_ids(person.pk, network.pk)


def token_for_ids(person_id: int, network_id: int) -> str:
    """`unsubscribe_token` from the ids alone (a batch of emails has no person objects)."""
    return signing.Signer(salt=SALT).sign_object([person_id, network_id])


def read_unsubscribe_token(token: str) -> tuple[User, Network] | None:
    """The person and network a token names; None when it is forged, altered, or names
    someone or something no longer there."""
    try:
        ids = signing.Signer(salt=SALT).unsign_object(token)
    except signing.BadSignature:
        return None
    if not (isinstance(ids, list) and len(ids) == 2 and all(type(i) is int for i in ids)):
        return None
    person_id, network_id = ids
    person = User.objects.filter(pk=person_id).first()
    network = Network.objects.filter(pk=network_id).first()
    if person is None or network is None:
        return None
    return person, network
