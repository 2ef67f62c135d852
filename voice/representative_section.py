"""The network page's "Who represents us" (networks asks; it never imports us)."""

from networks.sections import Section

from . import representatives as reps_rules


def representatives_section(request, perms) -> Section | None:
    """The representatives whose terms run (public), a way to their reports for members,
    and to add one for coordinators; nothing for a network with none, to anyone else."""
    current = list(reps_rules.current_of(perms.network))
    can_manage = reps_rules.can_manage(perms)
    if not current and not can_manage:
        return None
    return Section(
        "voice/_representatives_section.html",
        {
            "network": perms.network,
            "representatives": current,
            "can_manage": can_manage,
            "can_read_reports": reps_rules.can_read_reports(perms),
        },
        order=45,
    )
