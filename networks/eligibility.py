"""The answers to "may this person join, and how?", and the words that explain them.

Plain values and wording helpers; the rules themselves are methods of Network
(eligibility_for, join_option_for), which read the network's own fields.
"""

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from members.models import Post, School

if TYPE_CHECKING:
    from .models import Invitation, Membership


@dataclass(frozen=True)
class Eligibility:
    """The answer to "may this person join?", with the reason in words when not."""

    eligible: bool
    reason: str = ""
    school: School | None = None

    def __bool__(self):
        return self.eligible


class JoinKind(StrEnum):
    """The one thing a network page offers the person looking at it."""

    SIGN_IN = "sign_in"
    JOIN = "join"  # open or automatic: a member at once
    REQUEST = "request"  # approval: a pending request
    ACCEPT = "accept"  # an invitation waits for them
    MEMBER = "member"
    PENDING = "pending"
    INVITATION_ONLY = "invitation_only"
    NOT_ELIGIBLE = "not_eligible"


@dataclass(frozen=True)
class JoinOption:
    """How the person may join the network now, if at all, and why not when not."""

    kind: JoinKind
    reason: str = ""
    school: School | None = None
    invitation: "Invitation | None" = None
    membership: "Membership | None" = None

    @property
    def can_join(self) -> bool:
        return self.kind in (JoinKind.JOIN, JoinKind.REQUEST, JoinKind.ACCEPT)


def join_words(words: list[str]) -> str:
    """'a, b and c'."""
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


ROLE_PLURALS = {
    Post.Role.HEAD_OF_SCHOOL: "heads of school",
    Post.Role.SENIOR_LEADER: "deputies and senior leaders",
    Post.Role.INTERIM_HEAD: "interim and acting heads",
    Post.Role.CHAIR_OF_GOVERNORS: "chairs of governors",
    Post.Role.BUSINESS_LEADER: "school business leaders",
    Post.Role.LA_OFFICER: "local authority officers",
}


def roles_phrase(roles: list[str]) -> str:
    """'headteachers and chairs of governors' for the head roles plus chairs."""
    if not roles:
        return "school leaders"
    words = []
    if set(Post.HEAD_ROLES) <= set(roles):
        words.append("headteachers")
        roles = [role for role in roles if role not in Post.HEAD_ROLES]
    words += [ROLE_PLURALS.get(role, Post.Role(role).label.lower() + "s") for role in roles]
    return join_words(words)


def sectors_phrase(sectors: list[str], state_funded_only: bool) -> str:
    """'state-funded secondary and all-through schools'."""
    if not sectors:
        return "any state-funded school" if state_funded_only else "any school"
    words = [School.Sector(sector).label.lower() for sector in sectors]
    prefix = "state-funded " if state_funded_only else ""
    return f"{prefix}{join_words(words)} schools"
