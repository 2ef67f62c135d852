"""The secret ballot test, as the anonymous stories are tested (tests/articles/test_stories.py):
every table before and after a secret vote through the page; no new or changed row, log
line, queued task, email or cache entry links the ballot to its voter. Only the VoteRecord
says that the person (or their school) voted, and it says nothing of the ballot."""

import json
import logging
import pickle

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.core import mail
from django.core.cache import cache
from django.db import models
from django.urls import reverse

from tests import factories
from tests.voice.conftest import seat_holder
from voice.models import Ballot, BallotChoice, VoteRecord


def _every_row():
    """Every row of every table (with many-to-many tables), as plain values."""
    rows = {}
    for model in apps.get_models(include_auto_created=True):
        rows[model._meta.db_table] = {
            row["pk"] if "pk" in row else json.dumps(row, sort_keys=True, default=str): row
            for row in model.objects.values("pk", *[f.attname for f in model._meta.concrete_fields])
        }
    return rows


def _naming(model_rows, model, person, school):
    """The columns of the rows that link to the person or their school, or name them."""
    user_model = apps.get_model(django_settings.AUTH_USER_MODEL)
    school_model = apps.get_model("members", "School")
    words = [person.email, person.last_name, person.get_full_name(), school.name]
    found = []
    for row in model_rows:
        for field in model._meta.concrete_fields:
            value = row[field.attname]
            if isinstance(field, models.ForeignKey) and field.related_model is user_model:
                if value == person.pk:
                    found.append(f"{model.__name__}.{field.name}")
            elif isinstance(field, models.ForeignKey) and field.related_model is school_model:
                if value == school.pk:
                    found.append(f"{model.__name__}.{field.name}")
            elif value is not None and isinstance(
                field, models.CharField | models.TextField | models.JSONField
            ):
                text = value if isinstance(value, str) else json.dumps(value, default=str)
                if any(word.lower() in text.lower() for word in words):
                    found.append(f"{model.__name__}.{field.name}")
    return found


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("voters", ["members", "schools"])
def test_after_a_secret_vote_nothing_but_the_vote_record_names_the_voter(
    client, settings, caplog, voters
):
    # The real queue, so anything sent would be a task row in the database.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    network = factories.make_network(basis="school" if voters == "schools" else "person")
    voter = seat_holder(
        network, email="imogen.thistlewood@school.example", first_name="Imogen",
        last_name="Thistlewood",
    )  # fmt: skip
    school = voter.posts.get().school
    if voters == "members":  # a seat in a person-based network is just a membership
        network.memberships.update(school=None)
    poll = factories.make_poll(
        network=network, kind="proposal", voters=voters, secret=True, title="Merge the networks?"
    )
    client.force_login(voter)
    client.get(reverse("voice:poll_detail", args=[network.slug, poll.pk]))
    before = _every_row()
    caplog.set_level(logging.DEBUG)

    response = client.post(
        reverse("voice:vote", args=[network.slug, poll.pk]),
        {"position": "block", "text": "It would swallow the small schools"},
    )
    client.get(response.url)

    assert response.status_code == 302
    after = _every_row()
    naming = []
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        touched = [row for key, row in after[table].items() if before[table].get(key) != row]
        naming += _naming(touched, model, voter, school)
    expected = ["VoteRecord.person"] + (["VoteRecord.school"] if voters == "schools" else [])
    assert naming == expected
    # The ballot is there, counted, and linked to nothing.
    ballot = Ballot.objects.get()
    assert (ballot.poll_id, ballot.person_id, ballot.school_id) == (poll.pk, None, None)
    assert ballot.position == "block"
    record = VoteRecord.objects.get()
    assert {f.name for f in VoteRecord._meta.concrete_fields} == {"id", "poll", "person", "school"}
    assert record.person == voter
    # Nothing else anywhere carries the ballot's id or its content beside the voter.
    ballot_id = str(ballot.pk)
    from django_tasks_db.models import DBTaskResult

    assert not DBTaskResult.objects.exists()
    assert mail.outbox == []
    from core.models import AuditEvent

    assert not AuditEvent.objects.filter(object_id=poll.pk, actor_id=voter.pk).exists()
    assert "swallow" not in json.dumps(list(AuditEvent.objects.values()), default=str)
    log = "\n".join(record.getMessage() for record in caplog.records)
    for word in [voter.email, "Thistlewood", ballot_id, "swallow", f"user {voter.pk}"]:
        assert word not in log
    cached = b"".join(pickle.dumps(value) for value in cache._cache.values())
    assert ballot_id.encode() not in cached and b"swallow" not in cached
    assert b"swallow" not in response.cookies.output().encode()


def test_a_ballot_has_nothing_that_could_order_it_in_time():
    """No time, no sequence: a random id, and no field a vote's moment could be read from."""
    for model in (Ballot, BallotChoice):
        fields = model._meta.concrete_fields
        assert not [f.name for f in fields if isinstance(f, models.DateField)]
        assert isinstance(model._meta.pk, models.UUIDField)
        assert model._meta.pk.default is not None
    assert not Ballot._meta.ordering and not BallotChoice._meta.ordering


@pytest.mark.django_db
def test_a_secret_ballot_is_in_nobody_s_data_but_an_open_vote_is_in_its_voter_s(network, member):
    from portal.services import personal_data
    from voice import voting
    from voice.voting import Answers

    secret = factories.make_poll(network=network, secret=True, title="Secret matter")
    open_poll = factories.make_poll(network=network, title="Open matter")
    for poll in (secret, open_poll):
        choice = poll.options.first().pk
        voting.cast_ballot(poll=poll, person=member, answers=Answers(chosen=[choice]))

    data = json.dumps(personal_data(member), default=str)
    assert "Open matter" in data and "Secret matter" not in data
