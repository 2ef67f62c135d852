"""Replies by email (discussions.inbound): a reply to a discussion email, through the email
service's inbound webhook, becomes a post by the person the reply address was made for;
anything else is dropped, with its InboundReply row and a log line.

No email service is reachable here. The requests are what the services POST to the URLs
anymail mounts (Postmark's inbound webhook JSON, with the raw message and without it;
Mailgun's raw-MIME route with its signature), and the messages are real replies as
Outlook, Gmail and Apple Mail write them (tests/discussions/email/samples/), addressed to a
reply address made here.
"""

import hashlib
import hmac
import json
import logging
import os
import subprocess
import sys
import time
from base64 import b64encode
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from anymail.inbound import AnymailInboundMessage
from django.core import mail
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core.models import OutgoingEmail
from discussions import inbound, tokens
from discussions.models import POST_BODY_MAX_LENGTH, InboundReply, Post
from networks.models import Membership, WorkhubMembership
from tests import factories
from tests.announcements.conftest import DATABASE_TASKS
from tests.announcements.email_events_urls import EVENTS_PATH
from tests.discussions.email.conftest import REPLY_DOMAIN

pytestmark = pytest.mark.django_db
SECRET = "headnet-events:a-long-random-password"
MAILGUN_KEY = "key-mailgun-webhook-signing"
SAMPLES = Path(__file__).parent / "samples"
Outcome = InboundReply.Outcome


@pytest.fixture(autouse=True)
def _events_mounted(settings):
    settings.ROOT_URLCONF = "tests.announcements.email_events_urls"
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET, "MAILGUN_WEBHOOK_SIGNING_KEY": MAILGUN_KEY}


def sample(name: str, *, to: str, sender: str = "jane@school.example") -> str:
    text = (SAMPLES / name).read_text()
    return text.replace("REPLY_ADDRESS", to).replace("SENDER_ADDRESS", sender)


def postmark_inbound(raw: str, *, to: str) -> dict:
    """Postmark's inbound webhook body (postmarkapp.com/developer/webhooks/inbound-webhook)
    with "Include raw email content" on, as anymail reads it."""
    return {
        "FromName": "Jane Smith",
        "MessageStream": "inbound",
        "From": "jane@school.example",
        "FromFull": {"Email": "jane@school.example", "Name": "Jane Smith", "MailboxHash": ""},
        "To": to,
        "ToFull": [{"Email": to, "Name": "", "MailboxHash": to.split("+")[-1].split("@")[0]}],
        "OriginalRecipient": to,
        "Subject": "Re: SEND funding this term",
        "MessageID": "73e6d360-66eb-11e1-8e72-a8904824019b",
        "Date": "Mon, 7 Dec 2026 09:14:02 +0000",
        "MailboxHash": to.split("+")[-1].split("@")[0],
        "TextBody": "",
        "HtmlBody": "",
        "StrippedTextReply": "",
        "Tag": "",
        "Headers": [{"Name": "Return-Path", "Value": "<jane@school.example>"}],
        "Attachments": [],
        "RawEmail": raw,
    }


def post_to_postmark(client, payload: dict, *, auth: str | None = SECRET):
    headers = {}
    if auth is not None:
        headers["authorization"] = "Basic " + b64encode(auth.encode()).decode()
    return client.post(
        f"/email/events/{EVENTS_PATH}/postmark/inbound/",
        data=json.dumps(payload),
        content_type="application/json",
        headers=headers,
    )


def post_to_mailgun(client, raw: str, *, to: str, key: str = MAILGUN_KEY):
    """Mailgun's route forward() to the raw-MIME URL, signed as Mailgun signs it."""
    timestamp, token = str(int(time.time())), "a8ce0edb2dd8301dee6c2405235584e45aa91d1e9f979f3de0"
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256)
    return client.post(
        f"/email/events/{EVENTS_PATH}/mailgun/inbound_mime/",
        data={
            "body-mime": raw,
            "recipient": to,
            "sender": "jane@school.example",
            "timestamp": timestamp,
            "token": token,
            "signature": signature.hexdigest(),
        },  # fmt: skip
        headers={"authorization": "Basic " + b64encode(SECRET.encode()).decode()},
    )


@pytest.fixture
def address(thread, jane):
    return tokens.reply_address(jane.pk, thread.pk)


def _posts_by(person, thread):
    return list(Post.objects.filter(thread=thread, author=person, by_email=True))


def _only_reply() -> InboundReply:
    (reply,) = InboundReply.objects.all()
    return reply


@pytest.mark.parametrize(
    ("name", "words", "not_kept"),
    [
        ("outlook.eml", "We had the same problem last year. The LA's SEND team will come out "
         "if you ask for a panel date before half term.\n\nHappy to share our letter.",
         "Has anyone"),
        ("gmail.eml", "Ours came through on Friday \u2013 ask for the banding letter, it's "
         "what\nthe panel looks at.", "wrote:"),
        ("gmail_wrapped.eml", "Thanks, that's useful.", "wrote:"),
        ("apple_mail.eml", "Yes please \u2013 could you send it to the group?", "iPhone"),
    ],
)  # fmt: skip
def test_a_reply_through_the_webhook_becomes_a_post_by_its_person(
    client, thread, jane, author, address, name, words, not_kept, caplog
):
    mail.outbox.clear()
    with caplog.at_level(logging.INFO, logger="discussions.inbound"):
        response = post_to_postmark(client, postmark_inbound(sample(name, to=address), to=address))
    assert response.status_code == 200
    (post,) = _posts_by(jane, thread)
    assert post.body.startswith(words.split("\n")[0])
    assert words in post.body
    assert not_kept not in post.body
    assert post.number == 2
    reply = _only_reply()
    assert (reply.outcome, reply.post) == (Outcome.POSTED, post)
    assert reply.message_id.startswith("<")
    assert "Reply by email posted" in caplog.text
    # The post is news like any other: the thread's author hears of it, its writer not.
    assert [m.to for m in mail.outbox] == [[author.email]]


def test_mailguns_signed_raw_mime_route_posts_too(client, thread, jane, address):
    response = post_to_mailgun(client, sample("gmail.eml", to=address), to=address)
    assert response.status_code == 200
    assert len(_posts_by(jane, thread)) == 1


def test_a_request_without_the_services_signature_or_secret_changes_nothing(
    client, thread, address
):
    raw = sample("gmail.eml", to=address)
    assert post_to_mailgun(client, raw, to=address, key="key-not-ours").status_code == 400
    payload = postmark_inbound(raw, to=address)
    assert post_to_postmark(client, payload, auth="someone:guessing").status_code == 400
    assert post_to_postmark(client, payload, auth=None).status_code == 400
    assert not InboundReply.objects.exists()
    assert Post.objects.filter(thread=thread).count() == 1


def test_postmarks_parsed_payload_without_the_raw_message_works_too(client, thread, jane, address):
    payload = postmark_inbound("", to=address)
    del payload["RawEmail"]
    payload["TextBody"] = "Count me in.\n\nOn Mon, 7 Dec 2026 at 08:52, Headnet wrote:\n> Hi"
    payload["Headers"] += [{"Name": "Message-ID", "Value": "<parsed-1@mail.example>"}]
    assert post_to_postmark(client, payload).status_code == 200
    (post,) = _posts_by(jane, thread)
    assert post.body == "Count me in."


def _forged(address: str) -> str:
    local, domain = address.split("@")
    return f"{local[:-4]}0000@{domain}"


def _someone_elses(address: str, other_person_id: int) -> str:
    """The address with another person's id put in, its signature kept."""
    local, domain = address.split("@")
    _, rest = local.split("+")
    value, signature = rest.split(".")
    _person, thread, day = value.split("_")
    return f"reply+{other_person_id}_{thread}_{day}.{signature}@{domain}"


@pytest.mark.parametrize("how", ["forged", "someone else's", "expired", "other domain"])
def test_a_forged_altered_or_expired_token_is_refused(
    client, thread, jane, author, address, how, caplog
):
    if how == "forged":
        to = _forged(address)
    elif how == "someone else's":
        to = _someone_elses(address, author.pk)
    elif how == "expired":
        old = (timezone.now().date() - tokens.EPOCH).days - 91
        to = f"reply+{tokens.reply_token(jane.pk, thread.pk, day=old)}@{REPLY_DOMAIN}"
    else:
        to = address.replace(REPLY_DOMAIN, "elsewhere.example")
    raw = sample("gmail.eml", to=to, sender=author.email if how == "someone else's" else jane.email)
    with caplog.at_level(logging.WARNING, logger="discussions.inbound"):
        assert post_to_postmark(client, postmark_inbound(raw, to=to)).status_code == 200
    assert Post.objects.filter(thread=thread).count() == 1
    assert _only_reply().outcome == Outcome.BAD_TOKEN
    assert "Reply by email dropped (bad_token)" in caplog.text


def test_a_replayed_message_posts_once(client, thread, jane, address, caplog):
    payload = postmark_inbound(sample("outlook.eml", to=address), to=address)
    post_to_postmark(client, payload)
    with caplog.at_level(logging.WARNING, logger="discussions.inbound"):
        assert post_to_postmark(client, payload).status_code == 200
    assert len(_posts_by(jane, thread)) == 1
    outcomes = sorted(InboundReply.objects.values_list("outcome", flat=True))
    assert outcomes == [Outcome.POSTED, Outcome.REPLAYED]
    assert "Reply by email dropped (replayed)" in caplog.text


def test_the_same_token_may_carry_a_second_reply(client, thread, jane, address):
    post_to_postmark(client, postmark_inbound(sample("outlook.eml", to=address), to=address))
    post_to_postmark(client, postmark_inbound(sample("gmail.eml", to=address), to=address))
    assert len(_posts_by(jane, thread)) == 2


def test_a_reply_from_another_sender_is_refused(client, network, thread, jane, address, caplog):
    # A colleague who was forwarded Jane's email, and a member of the network too.
    colleague = factories.make_head(email="colleague@school.example")
    factories.make_membership(person=colleague, network=network)
    raw = sample("gmail.eml", to=address, sender=colleague.email)
    with caplog.at_level(logging.WARNING, logger="discussions.inbound"):
        post_to_postmark(client, postmark_inbound(raw, to=address))
    assert Post.objects.filter(thread=thread).count() == 1
    assert _only_reply().outcome == Outcome.WRONG_SENDER
    assert "Reply by email dropped (wrong_sender)" in caplog.text


def test_a_reply_from_another_verified_address_of_the_person_is_taken(
    client, thread, jane, address
):
    EmailAddress.objects.create(user=jane, email="head@cherwell.example", verified=True)
    EmailAddress.objects.create(user=jane, email="jane.home@mail.example", verified=False)
    for name, sender in [
        ("gmail.eml", "Head@Cherwell.example"),
        ("outlook.eml", "jane.home@mail.example"),
    ]:
        raw = sample(name, to=address, sender=sender)
        post_to_postmark(client, postmark_inbound(raw, to=address))
    assert len(_posts_by(jane, thread)) == 1
    assert sorted(InboundReply.objects.values_list("outcome", flat=True)) == [
        Outcome.POSTED, Outcome.WRONG_SENDER,
    ]  # fmt: skip


def test_an_out_of_office_reply_is_refused(client, thread, jane, address, caplog):
    with caplog.at_level(logging.WARNING, logger="discussions.inbound"):
        post_to_postmark(
            client, postmark_inbound(sample("out_of_office.eml", to=address), to=address)
        )
    assert Post.objects.filter(thread=thread).count() == 1
    assert _only_reply().outcome == Outcome.AUTO_REPLY
    assert "Reply by email dropped (auto_reply)" in caplog.text


@pytest.mark.parametrize(
    "header",
    [
        "Auto-Submitted: auto-generated",
        "X-Autoreply: yes",
        "X-Autorespond: Out of office",
        "Precedence: bulk",
        "Precedence: auto_reply",
        "Subject: Out of Office: Re: SEND funding",
    ],
)
def test_each_sign_of_an_automatic_reply_is_refused(client, thread, address, header):
    raw = sample("gmail.eml", to=address)
    name = header.split(":")[0]
    raw = "\n".join(line for line in raw.split("\n") if not line.startswith(f"{name}:"))
    post_to_postmark(client, postmark_inbound(f"{header}\n{raw}", to=address))
    assert _only_reply().outcome == Outcome.AUTO_REPLY


def test_a_thread_about_being_out_of_office_still_takes_replies(client, thread, address):
    raw = sample("gmail.eml", to=address).replace(
        "Subject: Re: SEND funding this term", "Subject: Re: Out of office hours cover"
    )
    post_to_postmark(client, postmark_inbound(raw, to=address))
    assert _only_reply().outcome == Outcome.POSTED


def test_auto_submitted_no_is_a_person_writing(client, thread, jane, address):
    raw = "Auto-Submitted: no\n" + sample("gmail.eml", to=address)
    post_to_postmark(client, postmark_inbound(raw, to=address))
    assert _only_reply().outcome == Outcome.POSTED


def test_a_person_no_longer_a_member_may_not_post(client, thread, jane, address, caplog):
    Membership.objects.filter(person=jane).update(status=Membership.Status.LAPSED)
    with caplog.at_level(logging.WARNING, logger="discussions.inbound"):
        post_to_postmark(client, postmark_inbound(sample("gmail.eml", to=address), to=address))
    assert _only_reply().outcome == Outcome.NOT_ALLOWED
    assert not _posts_by(jane, thread)
    assert "Reply by email dropped (not_allowed)" in caplog.text


def test_a_reply_whose_from_failed_dmarc_is_a_wrong_sender(client, thread, jane, address):
    # The From is Jane's, but the receiving service found it forged.
    raw = sample("gmail.eml", to=address).replace(
        "Message-ID:", "Authentication-Results: mx.example; spf=fail; dmarc=fail\nMessage-ID:", 1
    )
    post_to_postmark(client, postmark_inbound(raw, to=address))
    assert _only_reply().outcome == Outcome.WRONG_SENDER
    assert not _posts_by(jane, thread)


def test_a_locked_thread_takes_no_reply(client, thread, jane, address):
    thread.locked_at = timezone.now()
    thread.save()
    post_to_postmark(client, postmark_inbound(sample("gmail.eml", to=address), to=address))
    assert _only_reply().outcome == Outcome.NOT_ALLOWED
    assert not _posts_by(jane, thread)


def test_a_workhub_thread_takes_replies_from_its_people_only(client, workhub_thread, jane):
    to = tokens.reply_address(jane.pk, workhub_thread.pk)
    post_to_postmark(client, postmark_inbound(sample("gmail.eml", to=to), to=to))
    assert _only_reply().outcome == Outcome.NOT_ALLOWED


def test_an_earlier_years_workhub_thread_takes_no_reply(client, workhub_thread, jane):
    # The workhub's year has ended: its threads are a record, on the site and by email.
    workhub = workhub_thread.workhub
    WorkhubMembership.objects.create(workhub=workhub, person=jane)
    workhub.academic_year -= 1
    workhub.save()
    to = tokens.reply_address(jane.pk, workhub_thread.pk)
    post_to_postmark(client, postmark_inbound(sample("gmail.eml", to=to), to=to))
    assert _only_reply().outcome == Outcome.NOT_ALLOWED
    assert workhub_thread.posts.count() == 1


def test_a_reply_that_is_all_quote_and_signature_is_empty(client, thread, jane, address):
    raw = sample("gmail.eml", to=address).replace(
        "Ours came through on Friday =E2=80=93 ask for the banding letter, it's what\n"
        "the panel looks at.\n",
        "Sent from my iPhone\n",
    )
    post_to_postmark(client, postmark_inbound(raw, to=address))
    assert _only_reply().outcome == Outcome.EMPTY
    assert not _posts_by(jane, thread)


def test_no_token_at_all_when_replies_are_off(settings, client, thread, address):
    settings.DISCUSSIONS_REPLY_DOMAIN = ""
    post_to_postmark(client, postmark_inbound(sample("gmail.eml", to=address), to=address))
    assert _only_reply().outcome == Outcome.BAD_TOKEN


# Stripping quotes and signatures, line by line ------------------------------------------


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Yes.\n\n-----Original Message-----\nFrom: Headnet\nSent: Monday", "Yes."),
        ("Yes.\n\n________________________________\nFrom: Headnet", "Yes."),
        ("Yes.\n\n*From:* Headnet <a@b.example>\n*Sent:* Monday\n*To:* Jane", "Yes."),
        ("From: a colleague, who agrees.\nYes.", "From: a colleague, who agrees.\nYes."),
        ("Yes.\n-- \nJane Smith\nHeadteacher", "Yes."),
        ("Agreed.\nSent from Outlook for iOS", "Agreed."),
        ("Agreed.\nSent from my Galaxy", "Agreed."),
        ("Sent from my school's office: the forms.", "Sent from my school's office: the forms."),
        ("> quoted\nMy answer\n> more quoted\nAnd more", "My answer\nAnd more"),
        ("On Friday we met.\nIt went well.", "On Friday we met.\nIt went well."),
    ],
)  # fmt: skip
def test_strip_reply(text, kept):
    assert inbound.strip_reply(text) == kept


# Settings -------------------------------------------------------------------------------


def test_the_settings_refuse_a_reply_domain_without_the_webhooks():
    environment = {**os.environ, "DISCUSSIONS_REPLY_DOMAIN": "reply.headnet.example"}
    environment.pop("EMAIL_EVENTS_PATH", None)
    result = subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        cwd=Path(__file__).resolve().parents[3],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "DISCUSSIONS_REPLY_DOMAIN needs EMAIL_EVENTS_PATH" in result.stderr


def test_replies_are_not_received_unless_an_events_path_is_set(client, settings, address):
    settings.ROOT_URLCONF = "config.urls"  # as the site runs without EMAIL_EVENTS_PATH
    payload = postmark_inbound(sample("gmail.eml", to=address), to=address)
    assert post_to_postmark(client, payload).status_code == 404
    assert not InboundReply.objects.exists()


def test_a_reply_in_html_only_is_read_from_its_html(thread, jane, address):
    message = AnymailInboundMessage.construct(
        from_email="Jane Smith <jane@school.example>",
        to=address,
        subject="Re: SEND funding this term",
        headers=[("Message-ID", "<html-only@mail.example>")],
        html="<div>Yes, <b>Thursday</b> works, it&#39;s fine.</div><div>Jane</div>"
        '<blockquote type="cite">Has anyone had their top-up funding confirmed yet?</blockquote>',
    )
    assert inbound.take(message).outcome == Outcome.POSTED
    (post,) = _posts_by(jane, thread)
    assert post.body == "Yes, Thursday works, it's fine.\nJane"


def test_an_outlook_reply_in_html_only_keeps_neither_its_styles_nor_the_quote(
    thread, jane, address
):
    message = AnymailInboundMessage.construct(
        from_email="Jane Smith <jane@school.example>",
        to=address,
        subject="RE: SEND funding this term",
        headers=[("Message-ID", "<outlook-html@mail.example>")],
        html="<html><head><style>p.MsoNormal{margin:0cm;}</style></head><body>"
        '<p class="MsoNormal">Yes, agreed.</p>'
        '<div id="divRplyFwdMsg"><b>From:</b> Headnet<br><b>Sent:</b> Monday</div>'
        "<div>Has anyone had their top-up funding confirmed yet?</div></body></html>",
    )
    assert inbound.take(message).outcome == Outcome.POSTED
    (post,) = _posts_by(jane, thread)
    assert post.body == "Yes, agreed."


def test_the_webhooks_request_queues_the_posts_emails_for_the_worker(
    client, settings, thread, jane, address, real_commits, django_capture_on_commit_callbacks
):
    settings.TASKS = DATABASE_TASKS
    payload = postmark_inbound(sample("gmail.eml", to=address), to=address)
    with django_capture_on_commit_callbacks(execute=True):
        assert post_to_postmark(client, payload).status_code == 200
    (post,) = _posts_by(jane, thread)
    (task,) = DBTaskResult.objects.all()
    assert task.args_kwargs["kwargs"] == {"post_id": post.pk}
    assert not OutgoingEmail.objects.exists()  # the thread's author hears of it from the task


def _reply_of(address: str, text: str, message_id: str) -> AnymailInboundMessage:
    return AnymailInboundMessage.construct(
        from_email="Jane Smith <jane@school.example>",
        to=address,
        subject="Re: SEND funding this term",
        headers=[("Message-ID", message_id)],
        text=text,
    )


def test_a_reply_longer_than_a_post_may_be_is_dropped_whole_and_logged(
    thread, jane, address, caplog
):
    words = "We had the same problem. " * 1000
    too_long = words[: POST_BODY_MAX_LENGTH + 1]
    with caplog.at_level(logging.WARNING, logger="discussions.inbound"):
        reply = inbound.take(_reply_of(address, too_long, "<long@mail.example>"))
    assert reply.outcome == Outcome.TOO_LONG
    assert reply.post is None and not _posts_by(jane, thread)
    assert "Reply by email dropped (too_long)" in caplog.text
    assert "We had" not in caplog.text  # the log names ids, never the words


def test_a_reply_as_long_as_a_post_may_be_is_posted(thread, jane, address):
    longest = ("We had the same problem. " * 1000)[:POST_BODY_MAX_LENGTH].strip()
    reply = inbound.take(_reply_of(address, longest, "<longest@mail.example>"))
    assert reply.outcome == Outcome.POSTED
    assert reply.post.body == longest


# The services' signing keys, from the environment (config/settings.py) -------------------

MAILGUN_ENVIRONMENT = {
    "EMAIL_SERVICE": "mailgun",
    "EMAIL_SERVICE_API_KEY": "key-mailgun-api",
    "EMAIL_EVENTS_PATH": EVENTS_PATH,
    "ANYMAIL_WEBHOOK_SECRET": SECRET,
    "DISCUSSIONS_REPLY_DOMAIN": REPLY_DOMAIN,
}


def _settings_with(environment: dict[str, str]) -> subprocess.CompletedProcess:
    """The settings module loaded in a fresh process, as a server starts: its ANYMAIL."""
    clean = {key: value for key, value in os.environ.items() if key not in MAILGUN_ENVIRONMENT}
    return subprocess.run(
        [sys.executable, "-c", "import json, config.settings as s; print(json.dumps(s.ANYMAIL))"],
        cwd=Path(__file__).resolve().parents[3],
        env={**clean, **environment},
        capture_output=True,
        text=True,
        check=False,
    )


def test_a_signed_mailgun_reply_posts_with_the_key_from_the_environment(
    client, settings, thread, jane, address
):
    result = _settings_with({**MAILGUN_ENVIRONMENT, "MAILGUN_WEBHOOK_SIGNING_KEY": MAILGUN_KEY})
    assert result.returncode == 0, result.stderr
    settings.ANYMAIL = json.loads(result.stdout.splitlines()[-1])
    assert settings.ANYMAIL == {
        "WEBHOOK_SECRET": SECRET,
        "MAILGUN_WEBHOOK_SIGNING_KEY": MAILGUN_KEY,
    }
    response = post_to_mailgun(client, sample("gmail.eml", to=address), to=address)
    assert response.status_code == 200
    assert _only_reply().outcome == Outcome.POSTED
    # Signed with another key: refused, nothing taken.
    raw = sample("gmail.eml", to=address).replace("Message-ID: <", "Message-ID: <other-")
    assert post_to_mailgun(client, raw, to=address, key="key-not-ours").status_code == 400
    assert InboundReply.objects.count() == 1


@pytest.mark.parametrize(
    ("environment", "missing"),
    [
        (MAILGUN_ENVIRONMENT, "MAILGUN_WEBHOOK_SIGNING_KEY"),
        ({**MAILGUN_ENVIRONMENT, "EMAIL_SERVICE": "mailersend"}, "MAILERSEND_SIGNING_SECRET"),
        (
            {**MAILGUN_ENVIRONMENT, "EMAIL_SERVICE": "mailersend",
             "MAILERSEND_SIGNING_SECRET": "tracking-secret"},
            "MAILERSEND_INBOUND_SECRET",
        ),
    ],
)  # fmt: skip
def test_a_service_that_signs_its_webhooks_is_refused_without_its_key(environment, missing):
    result = _settings_with(environment)
    assert result.returncode != 0
    assert f"needs {missing}" in result.stderr


def test_mailersends_secrets_are_taken_from_the_environment():
    result = _settings_with(
        {**MAILGUN_ENVIRONMENT, "EMAIL_SERVICE": "mailersend",
         "MAILERSEND_SIGNING_SECRET": "tracking-secret", "MAILERSEND_INBOUND_SECRET": "in-secret"}
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    anymail = json.loads(result.stdout.splitlines()[-1])
    assert (anymail["MAILERSEND_SIGNING_SECRET"], anymail["MAILERSEND_INBOUND_SECRET"]) == (
        "tracking-secret",
        "in-secret",
    )
