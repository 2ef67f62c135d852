"""What each row of a member spreadsheet would become, checked before anything is written
(docs/rules.md, "Bringing in a member spreadsheet").

`check_rows` reads the rows as the administrator said the columns go and checks each: its
school against the register (members.school_match), its person by email against the
accounts, and where it stands with the network (a member already, invited already, a
duplicate of an earlier row, an address mail no longer reaches). `recheck` repeats the
part that changes as people join and choose (it is cheap) before the rows are shown again
or confirmed. Rows are plain dictionaries: they are kept as JSON on the ImportBatch.
"""

import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone

from core.csv_export import FORMULA_STARTS, safe_cell
from members.models import Post, School, User
from members.school_match import Register
from members.suppression import suppressed_addresses

from . import access
from .models import Invitation, Membership, Network

# What a column may hold, in the order the columns form lists them.
COLUMNS = {
    "name": "Full name",
    "first_name": "First name",
    "last_name": "Last name",
    "email": "Email address",
    "school": "School",
    "urn": "School URN",
    "town": "Town",
    "postcode": "Postcode",
    "role": "Role",
}
# A post's role from the words people use for it; the first that fits wins, so "deputy
# head" is a deputy's post and "acting head" an interim headship.
ROLE_WORDS = [
    (Post.Role.EXECUTIVE_HEAD, ["executive head", "executive principal", "ceo", "chief executive"]),
    (Post.Role.HEAD_OF_SCHOOL, ["head of school"]),
    (Post.Role.INTERIM_HEAD, ["interim", "acting"]),
    (
        Post.Role.SENIOR_LEADER,
        ["deputy", "assistant head", "assistant principal", "vice principal", "senior leader"],
    ),
    (Post.Role.BUSINESS_LEADER, ["business", "bursar", "sbm", "finance"]),
    (Post.Role.CHAIR_OF_GOVERNORS, ["chair", "governor"]),
    (Post.Role.LA_OFFICER, ["local authority", "la officer", "council", "officer", "adviser"]),
    (Post.Role.HEADTEACHER, ["headteacher", "head teacher", "head", "principal", "headmaster"]),
]
# A cell holding only these is empty ("-" or "n/a" for nothing to say).
EMPTY = {"-", "–", "—", "n/a", "na", "none", "?"}
NONE_OF_THESE = 0  # the choice for an unsure school: none of the candidates


def role_from(text: str) -> str:
    """The post's role for the words, or "" when none fits."""
    words = " ".join(re.sub(r"[^a-z]+", " ", text.casefold()).split())
    padded = f" {words} "
    for role, phrases in ROLE_WORDS:
        if any(f" {phrase} " in padded for phrase in phrases):
            return role
    return ""


def check_columns(columns: Mapping[str, int], width: int) -> None:
    """The columns as the administrator set them: an email address, nothing twice."""
    unknown = set(columns) - set(COLUMNS)
    if unknown or any(not 0 <= number < width for number in columns.values()):
        raise ValidationError("Choose what each column holds from the list.")
    if "email" not in columns:
        raise ValidationError(
            "Say which column holds the email addresses: each invitation goes to one."
        )
    numbers = list(columns.values())
    if len(numbers) != len(set(numbers)):
        raise ValidationError("Each column holds one thing: a column is chosen twice.")


def check_rows(
    *,
    network: Network,
    by: User,
    cells: list[list[str]],
    lines: list[int],
    columns: Mapping[str, int],
) -> list[dict[str, Any]]:
    """Every row, read and checked: its values, its school, its person, what is wrong."""
    rows = [_read_row(line, row, columns) for line, row in zip(lines, cells, strict=True)]
    register = Register.load(
        urns=[int(row["urn"]) for row in rows if row["urn"].isascii() and row["urn"].isdigit()],
        local_authority_ids=network.areas.values_list("pk", flat=True),
    )
    for row in rows:
        _match_school(row, register)
        if network.is_school_based and not row["role"] and not row["problems"]:
            row["role"] = Post.Role.HEADTEACHER
            row["notes"].append(
                f"No role given: taken as headteacher, as {network.label}'s members are "
                "schools, each represented by its head."
            )
    return recheck(network=network, by=by, rows=rows)


def _value(cells: list[str], columns: Mapping[str, int], kind: str) -> str:
    if kind not in columns:
        return ""
    value = cells[columns[kind]].strip()
    return "" if value.casefold() in EMPTY else value


def _read_row(line: int, cells: list[str], columns: Mapping[str, int]) -> dict[str, Any]:
    values = {kind: _value(cells, columns, kind) for kind in COLUMNS}
    formulas = [kind for kind, value in values.items() if value.startswith(FORMULA_STARTS)]
    name = values["name"] or " ".join(
        part for part in (values["first_name"], values["last_name"]) if part
    )
    row: dict[str, Any] = {
        "line": line,
        "name": name,
        "email": values["email"].lower(),
        "school_given": values["school"],
        "urn": values["urn"],
        "town": values["town"],
        "postcode": values["postcode"],
        "role_given": values["role"],
        "role": role_from(values["role"]) if values["role"] else "",
        "problems": [],
        "notes": [],
        # Set by the school match and the recheck.
        "how": "none",
        "school": None,
        "candidates": [],
        "chosen": None,
        "person": None,
        "standing": [],
        "may_confirm": False,
    }
    if formulas:
        # Kept as text and never run; the row is not invited (it is no one's real name).
        shown = "; ".join(f"{COLUMNS[kind]}: {safe_cell(values[kind])}" for kind in formulas)
        row["problems"].append(
            f"Holds what a spreadsheet would run as a formula ({shown}). Headnet keeps it as "
            "plain text and never runs it; this row is not invited."
        )
        for kind in formulas:
            row["name" if kind in ("first_name", "last_name") else _field_of(kind)] = safe_cell(
                values[kind]
            )
        return row
    _check_email(row)
    if values["role"] and not row["role"]:
        row["notes"].append(
            f"“{values['role']}” is not a role Headnet knows: they choose theirs when they accept."
        )
    return row


def _field_of(kind: str) -> str:
    return {"school": "school_given", "role": "role_given"}.get(kind, kind)


def _check_email(row: dict[str, Any]) -> None:
    if not row["email"]:
        row["problems"].append("No email address: an invitation goes to one.")
        return
    try:
        validate_email(row["email"])
    except ValidationError:
        row["problems"].append(f"“{row['email']}” is not an email address.")


def _match_school(row: dict[str, Any], register: Register) -> None:
    if row["problems"]:
        return
    match = register.match(
        urn=row["urn"], name=row["school_given"], town=row["town"], postcode=row["postcode"]
    )
    row["how"] = match.how
    row["notes"].extend(match.notes)
    if match.school is not None:
        row["school"] = match.school.as_dict()
        if match.closed:
            row["problems"].append(
                f"The register lists {match.school.label} as closed: invite its head at the "
                "school that replaced it."
            )
    row["candidates"] = [candidate.as_dict() for candidate in match.candidates]
    if match.how == "unknown":
        row["notes"].append(
            "School not found in the register: the invitation names no school, and they add "
            "their post when they accept."
        )


def school_id_of(row: Mapping[str, Any]) -> int | None:
    """The row's school: the certain match, or the candidate the administrator chose."""
    if row["school"] is not None:
        return int(row["school"]["id"])
    chosen = row.get("chosen")
    return int(chosen) if chosen else None


def school_label_of(row: Mapping[str, Any]) -> str:
    school_id = school_id_of(row)
    if row["school"] is not None:
        return str(row["school"]["label"])
    for candidate in row["candidates"]:
        if candidate["id"] == school_id:
            return str(candidate["label"])
    return ""


def needs_choice(row: Mapping[str, Any]) -> bool:
    """Unsure of the school, and nothing chosen yet (a row already refused needs nothing)."""
    return row["how"] == "unsure" and row.get("chosen") is None and not is_refused(row)


def is_refused(row: Mapping[str, Any]) -> bool:
    """A row that will not be invited, for what is wrong with it."""
    return bool(row["problems"] or row["standing"])


# Where each row stands now -------------------------------------------------------


def recheck(*, network: Network, by: User, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each row's person and standing as things are now: who has an account, who is in the
    network or invited to it already, which addresses mail no longer reaches, which rows
    repeat an earlier one, where the school's seat is held, which posts `by` may confirm.
    A fixed number of queries, however many rows."""
    emails = {row["email"] for row in rows if row["email"] and not row["problems"]}
    people = {user.email: user for user in User.objects.filter(email__in=emails)}
    members = {
        membership.holder.email: membership
        for membership in Membership.objects.live()
        .filter(network=network, person__email__in=emails)
        .select_related("person")
    }
    invited = {
        invitation.email: invitation
        for invitation in Invitation.objects.filter(
            network=network, email__in=emails, accepted_at__isnull=True
        )
    }
    stopped = suppressed_addresses(emails)
    school_ids = {school_id for row in rows if (school_id := school_id_of(row))}
    seats = _seats(network, school_ids)
    confirmable = access.capacities_at(by, school_ids)
    first_line: dict[str, int] = {}
    for row in rows:
        row["standing"] = []
        row["person"] = None
        row["may_confirm"] = False
        if row["problems"]:
            continue
        email = row["email"]
        if email in first_line:
            row["standing"].append(f"The same email address as row {first_line[email]}.")
            continue
        first_line[email] = row["line"]
        person = people.get(email)
        if person is not None:
            row["person"] = {"id": person.pk, "name": person.get_full_name()}
        row["standing"].extend(
            _standing(network, row, members.get(email), invited.get(email), email in stopped)
        )
        school_id = school_id_of(row)
        if network.is_school_based:
            row["standing"].extend(_seat_standing(network, row, seats.get(school_id or 0)))
        # Their own post never: nobody confirms their own.
        row["may_confirm"] = bool(
            not row["standing"] and school_id in confirmable and row["role"] and email != by.email
        )
    return rows


def _seats(network: Network, school_ids: set[int]) -> dict[int, Membership]:
    if not network.is_school_based or not school_ids:
        return {}
    return {
        seat.school_id: seat
        for seat in Membership.objects.live()
        .filter(network=network, school__in=school_ids)
        .select_related("person")
        if seat.school_id is not None
    }


def _standing(
    network: Network,
    row: Mapping[str, Any],
    membership: Membership | None,
    invitation: Invitation | None,
    stopped: bool,
) -> list[str]:
    if membership is not None and membership.is_pending:
        return [f"Has asked to join {network.label}: decide the request instead."]
    if membership is not None:
        return [f"Already a member of {network.label}."]
    if invitation is not None and invitation.batch_id is None:
        when = timezone.localtime(invitation.created_at)
        return [f"Already invited on {when:%-d %B %Y}."]
    if invitation is not None:
        return ["Already invited from another spreadsheet."]
    if stopped:
        return [
            "Email to this address has stopped (it bounced, or was reported as spam), so an "
            "invitation would not arrive."
        ]
    return []


def _seat_standing(network: Network, row: Mapping[str, Any], seat: Membership | None) -> list[str]:
    """In a network whose members are schools, only a school's head takes its seat, and only
    a free one: an invitation that could never be accepted is not sent."""
    if row["role"] not in Post.HEAD_ROLES:
        role = Post.Role(row["role"]).label.lower()
        return [
            f"{network.label}'s members are schools, each seat held by the school's head: "
            f"an invitation to a {role} could never be accepted."
        ]
    if seat is not None and seat.holder.email != row["email"]:
        holder = seat.holder.get_full_name() or "another head"
        return [
            f"{school_label_of(row)} is already a member of {network.label}: its seat is held "
            f"by {holder}. When the school's headship changes, the seat passes to its new head."
        ]
    return []


def choose(rows: list[dict[str, Any]], choices: Mapping[int, int]) -> list[str]:
    """Record the administrator's choices of school for unsure rows ({line: school id, or
    NONE_OF_THESE}); a choice that was not offered is refused, row by row."""
    offered = {
        row["line"]: {candidate["id"] for candidate in row["candidates"]}
        for row in rows
        if row["how"] == "unsure"
    }
    errors = []
    for row in rows:
        if row["line"] not in choices or row["line"] not in offered:
            continue
        chosen = choices[row["line"]]
        if chosen != NONE_OF_THESE and chosen not in offered[row["line"]]:
            errors.append(f"Row {row['line']}: choose one of the schools offered.")
            continue
        row["chosen"] = chosen
    return errors


def invitable(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows that become invitations: nothing wrong, nothing left to choose."""
    return [row for row in rows if not is_refused(row) and not needs_choice(row)]


def may_confirm_any(rows: Iterable[dict[str, Any]]) -> bool:
    """Whether any row to be invited has a post its checker may confirm (the preview then
    offers to)."""
    return any(row["may_confirm"] for row in invitable(rows))


def school_objects(rows: Iterable[Mapping[str, Any]]) -> dict[int, School]:
    ids = {school_id for row in rows if (school_id := school_id_of(row))}
    return {school.pk: school for school in School.objects.filter(pk__in=ids)}
