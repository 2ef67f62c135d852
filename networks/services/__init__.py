"""Membership workflows: the only door for a change of state in networks. No request, no
permission checks: callers decide who may (docs/architecture.md, "Services: the only door
for a change of state").

One module a topic; the public functions are re-exported here, so callers write
`from networks import services; services.join_network(...)`.
"""

from .automatic import reconcile_automatic_memberships, sync_automatic_memberships
from .claims import (
    add_post,
    ask_heads_to_confirm,
    confirm_claim,
    follow_post_change,
    reject_claim,
    revoke_headship,
    tell_administrators_of_automatic_headship,
)
from .contact import send_contact_message
from .imports import (
    choose_schools,
    confirm_import,
    prune_import_batches,
    set_columns,
    start_import,
    withdraw_import,
)
from .invitations import (
    accept_invitation,
    revoke_invitation,
    send_invitation_reminders,
    send_queued_invitations,
)
from .joining import (
    approve_membership,
    decline_membership,
    invite,
    join_network,
    leave_network,
    remove_member,
    withdraw_invitation,
)
from .memberships import end_membership, set_role, sync_admin_site_access
from .preferences import choices_for, choices_of, preference_of, set_preference, set_preferences
from .seats import hand_over_school_seats, keep_school_seats, pass_school_seats
from .workhubs import join_workhub, leave_workhub, place_in_workhub, remove_from_workhub

__all__ = [
    "accept_invitation",
    "add_post",
    "approve_membership",
    "ask_heads_to_confirm",
    "choices_for",
    "choices_of",
    "choose_schools",
    "confirm_claim",
    "confirm_import",
    "decline_membership",
    "end_membership",
    "follow_post_change",
    "hand_over_school_seats",
    "invite",
    "join_network",
    "join_workhub",
    "keep_school_seats",
    "leave_network",
    "leave_workhub",
    "pass_school_seats",
    "place_in_workhub",
    "preference_of",
    "prune_import_batches",
    "reconcile_automatic_memberships",
    "reject_claim",
    "remove_from_workhub",
    "remove_member",
    "revoke_headship",
    "revoke_invitation",
    "send_contact_message",
    "send_invitation_reminders",
    "send_queued_invitations",
    "set_columns",
    "set_preference",
    "set_preferences",
    "set_role",
    "start_import",
    "sync_admin_site_access",
    "sync_automatic_memberships",
    "tell_administrators_of_automatic_headship",
    "withdraw_import",
    "withdraw_invitation",
]
