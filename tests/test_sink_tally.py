"""How `make load` and `make bench` count a mailing at their SMTP sink (loadtest.net)."""

from loadtest.net import Received, SmtpSink, tally

EXPECTED = {
    "ann@school.example": "<a@headnet.example>",
    "Bob@School.example": "<b@headnet.example>",
    "cat@school.example": "<c@headnet.example>",
}


def _message(message_id: str, *to: str) -> Received:
    return Received(message_id=message_id, to=to, subject="Heads: news", at=0.0)


def test_one_copy_each_with_its_own_message_id_is_exactly_once():
    found = tally(
        EXPECTED,
        [
            _message("<a@headnet.example>", "ann@school.example"),
            _message("<b@headnet.example>", "bob@school.example"),  # the case of an address
            _message("<c@headnet.example>", "cat@school.example"),
        ],
    )

    assert found.exactly_once
    assert (found.expected, found.received) == (3, 3)
    assert found.summary().startswith("3 messages for 3 recipients: 0 missing, 0 twice")


def test_a_copy_missing_sent_twice_or_to_someone_else_is_named():
    found = tally(
        EXPECTED,
        [
            _message("<a@headnet.example>", "ann@school.example"),
            _message("<a@headnet.example>", "ann@school.example"),
            _message("<b@headnet.example>", "bob@school.example", "dan@school.example"),
        ],
    )

    assert not found.exactly_once
    assert found.missing == ["cat@school.example"]
    assert found.twice == ["ann@school.example"]
    assert found.unexpected == ["dan@school.example"]
    assert found.repeated_ids == ["<a@headnet.example>"]
    assert found.wrong_id == []


def test_a_copy_carrying_another_persons_message_id_is_not_theirs():
    found = tally(
        EXPECTED,
        [
            _message("<a@headnet.example>", "ann@school.example"),
            _message("<c@headnet.example>", "bob@school.example"),
            _message("<b@headnet.example>", "cat@school.example"),
        ],
    )

    assert not found.exactly_once
    assert found.wrong_id == ["bob@school.example", "cat@school.example"]
    assert not (found.missing or found.twice or found.unexpected or found.repeated_ids)


def test_the_sink_reads_the_message_id_and_the_subject_as_a_mail_program_shows_them():
    sink = SmtpSink(loop=None, port=0)
    data = (
        b"Subject: =?utf-8?q?Caf=C3=A9_news?= from the\r\n network\r\n"
        b"Message-ID: <a@headnet.example>\r\nTo: ann@school.example\r\n\r\nBody\r\n.\r\n"
    )

    sink._keep(data, ["ann@school.example"])

    (message,) = sink.messages()
    assert message.subject == "Café news from the network"
    assert message.message_id == "<a@headnet.example>"
    assert message.to == ("ann@school.example",)
