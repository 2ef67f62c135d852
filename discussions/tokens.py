"""The two credentials a discussion email carries: the reply address's token and the
unsubscribe link's token. Both are signed with SECRET_KEY (django.core.signing, each
under a salt of its own), so altering any part breaks the signature.

The reply token names one person and one thread and the day it was issued, and sits in
the local part of the Reply-To address: `reply+<token>@<DISCUSSIONS_REPLY_DOMAIN>`. A
local part is at most 64 characters (RFC 5321) and some mail servers change its case,
so the token is short and case-free: decimal ids, and a signature in lower-case hex
(128 bits of HMAC-SHA256) after a dot. It expires DISCUSSIONS_REPLY_MAX_AGE_DAYS after
it was issued: an old notification cannot post for ever.

The unsubscribe token binds one person to one network's discussion emails, and does not
expire (RFC 8058 expects an old link to keep working).
"""

import datetime
import re

from django.conf import settings
from django.core import signing
from django.utils import timezone
from django.utils.crypto import salted_hmac

from members.models import User
from networks.models import Network

from .models import Thread

REPLY_SALT = "discussions.reply"
UNSUBSCRIBE_SALT = "discussions.unsubscribe"
SIGNATURE_LENGTH = 32  # hex digits: 128 bits
# reply+<person>_<thread>_<day>.<signature>
REPLY_LOCAL_PART = re.compile(r"^reply\+(?P<token>[0-9]+_[0-9]+_[0-9]+\.[0-9a-f]+)$")
EPOCH = datetime.date(1970, 1, 1)


class _HexSigner(signing.Signer):
    """django.core.signing's Signer with a short lower-case hex signature."""

    def signature(self, value: str | bytes, key: str | bytes | None = None) -> str:
        return salted_hmac(
            f"{self.salt!s}signer", value, key or self.key, algorithm=self.algorithm
        ).hexdigest()[:SIGNATURE_LENGTH]


def _reply_signer() -> _HexSigner:
    return _HexSigner(salt=REPLY_SALT, sep=".")


def _today() -> int:
    return (timezone.now().date() - EPOCH).days


def reply_token(person_id: int, thread_id: int, *, day: int | None = None) -> str:
    """The token for the person's replies to the thread, issued today (or on `day`, days
    since 1970, for tests)."""
    return _reply_signer().sign(f"{person_id}_{thread_id}_{_today() if day is None else day}")


def reply_address(person_id: int, thread_id: int) -> str | None:
    """The person's reply address for the thread; None when replies by email are off."""
    domain = settings.DISCUSSIONS_REPLY_DOMAIN
    if not domain:
        return None
    return f"reply+{reply_token(person_id, thread_id)}@{domain}"


def read_reply_address(address: str) -> tuple[User, Thread] | None:
    """The person and thread a reply address names; None when it is not one of ours,
    forged, altered, expired, or names someone or something no longer there."""
    local, _, domain = address.strip().lower().rpartition("@")
    if not settings.DISCUSSIONS_REPLY_DOMAIN or domain != settings.DISCUSSIONS_REPLY_DOMAIN:
        return None
    match = REPLY_LOCAL_PART.match(local)
    if match is None:
        return None
    try:
        value = _reply_signer().unsign(match["token"])
    except signing.BadSignature:
        return None
    person_id, thread_id, day = (int(part) for part in value.split("_"))
    if _today() - day > settings.DISCUSSIONS_REPLY_MAX_AGE_DAYS:
        return None
    person = User.objects.filter(pk=person_id).first()
    thread = Thread.objects.select_related("network", "workhub").filter(pk=thread_id).first()
    if person is None or thread is None:
        return None
    return person, thread


def is_reply_address(address: str) -> bool:
    """Whether the address is at our reply domain (a token in it, valid or not)."""
    domain = settings.DISCUSSIONS_REPLY_DOMAIN
    return bool(domain) and address.strip().lower().endswith("@" + domain)


def unsubscribe_token(person_id: int, network_id: int) -> str:
    """The token that stops the network's discussion emails to the person (URL-safe)."""
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign_object([person_id, network_id])


def read_unsubscribe_token(token: str) -> tuple[User, Network] | None:
    """The person and network a token names; None when it is forged, altered, or names
    someone or something no longer there."""
    try:
        ids = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign_object(token)
    except signing.BadSignature:
        return None
    if not (isinstance(ids, list) and len(ids) == 2 and all(type(i) is int for i in ids)):
        return None
    person = User.objects.filter(pk=ids[0]).first()
    network = Network.objects.filter(pk=ids[1]).first()
    if person is None or network is None:
        return None
    return person, network
