"""The words for who a network is for ("headteachers of state-funded secondary schools").

Plain functions of the network's settings, below the models, so that the models (for
`Network.eligibility_text`) and the eligibility rules (for their reasons) both use them.
"""

from members.models import Post, School


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
