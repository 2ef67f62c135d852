"""Member spreadsheets for the permission matrix's scene (tests/test_url_matrix.py).

`network` has an invitation (the scene's), a draft spreadsheet (its columns set, its rows
checked) and a confirmed one whose invitations wait; `other_network` has a draft of its
own, and an invitation. The person who brought them in is none of the personas.
"""

from networks import services
from networks.models import Invitation, Network
from tests import factories

COLUMNS = {"name": 0, "email": 1}


def _draft(network: Network, by, rows):
    batch = services.start_import(
        network=network,
        by=by,
        headers=["Name", "Email"],
        cells=rows,
        lines=list(range(2, len(rows) + 2)),
        columns=COLUMNS,
    )
    return services.set_columns(batch=batch, by=by, columns=COLUMNS)


def import_scene(network: Network, other_network: Network) -> dict:
    importer = factories.make_user(email="importer@school.example")
    confirmed = services.confirm_import(
        batch=_draft(network, importer, [["Cal", "cal@school.example"]]), by=importer
    )
    return {
        # The scene's own invitation to `network` (made before this is called).
        "open_invitation": Invitation.objects.get(network=network, email="invited@school.example"),
        "draft_import": _draft(network, importer, [["Dee", "dee@school.example"]]),
        "confirmed_import": confirmed,
        "other_import": _draft(other_network, importer, [["Oli", "oli@school.example"]]),
        "other_invitation": services.invite(
            network=other_network, email="elsewhere@school.example", by=importer
        ),
    }
