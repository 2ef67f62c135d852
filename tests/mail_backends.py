import smtplib

from django.core.mail.backends import locmem
from django.core.mail.backends.base import BaseEmailBackend


class FailingBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class RefusingBackend(locmem.EmailBackend):
    """A mail server that refuses some recipients: REFUSED maps an address to the
    exception its message raises (set by the test)."""

    REFUSED: dict[str, Exception] = {}

    def send_messages(self, messages):
        for message in messages:
            for address in message.to:
                if address in self.REFUSED:
                    raise self.REFUSED[address]
        return super().send_messages(messages)


class DyingBackend(locmem.EmailBackend):
    """A worker killed (SystemExit, as on SIGTERM) after LIVES messages, counted across
    connections (set by the test)."""

    LIVES = 0

    def send_messages(self, messages):
        if DyingBackend.LIVES <= 0:
            raise SystemExit("the worker was killed")
        DyingBackend.LIVES -= len(messages)
        return super().send_messages(messages)


class DroppingBackend(locmem.EmailBackend):
    """A mail connection that drops after LIVES messages (set by the test)."""

    LIVES = 0

    def send_messages(self, messages):
        if DroppingBackend.LIVES <= 0:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        DroppingBackend.LIVES -= len(messages)
        return super().send_messages(messages)
