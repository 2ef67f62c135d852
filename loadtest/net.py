"""Two small loopback servers on one asyncio loop in a thread: an SMTP sink that
records every message and can be stopped and started, and a round-robin TCP proxy.

Our own, not aiosmtpd or haproxy: each is some sixty lines of the standard library,
needs nothing installed, and the run can count what it needs (messages by
Message-ID, connections per backend) without parsing another program's logs.
"""

import asyncio
import threading
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from email.header import decode_header, make_header
from email.parser import BytesHeaderParser
from email.policy import compat32


@dataclass(frozen=True)
class Received:
    message_id: str
    to: tuple[str, ...]
    subject: str
    at: float


@dataclass(frozen=True)
class Tally:
    """What reached the sink of one mailing, against the copies it should have made."""

    expected: int
    received: int
    missing: list[str]  # expected addresses no copy reached
    twice: list[str]  # expected addresses reached more than once
    unexpected: list[str]  # addresses reached that should not have been
    wrong_id: list[str]  # addresses whose copy carried another Message-ID than theirs
    repeated_ids: list[str]  # Message-IDs that arrived more than once

    @property
    def exactly_once(self) -> bool:
        """Every expected address reached once, with its own Message-ID, and nobody else."""
        return not (
            self.missing or self.twice or self.unexpected or self.wrong_id or self.repeated_ids
        )

    def summary(self) -> str:
        return (
            f"{self.received} messages for {self.expected} recipients: "
            f"{len(self.missing)} missing, {len(self.twice)} twice, "
            f"{len(self.unexpected)} to someone else, {len(self.wrong_id)} with another "
            f"Message-ID, {len(self.repeated_ids)} Message-IDs repeated"
        )


def tally(expected: dict[str, str], received: Iterable[Received]) -> Tally:
    """Compare the messages of one mailing that reached the sink with `expected`
    ({address: the Message-ID of its copy}): one message per copy, each to one address.
    Addresses are compared without regard to case."""
    wanted = {address.lower(): message_id for address, message_id in expected.items()}
    by_address: Counter[str] = Counter()
    by_id: Counter[str] = Counter()
    wrong_id = []
    messages = 0
    for message in received:
        messages += 1
        by_id[message.message_id] += 1
        for address in message.to:
            address = address.lower()
            by_address[address] += 1
            if address in wanted and wanted[address] != message.message_id:
                wrong_id.append(address)
    return Tally(
        expected=len(wanted),
        received=messages,
        missing=sorted(address for address in wanted if not by_address[address]),
        twice=sorted(address for address in wanted if by_address[address] > 1),
        unexpected=sorted(address for address in by_address if address not in wanted),
        wrong_id=sorted(set(wrong_id)),
        repeated_ids=sorted(message_id for message_id, n in by_id.items() if n > 1),
    )


class Loop:
    """An asyncio event loop in a daemon thread; call() runs a coroutine on it."""

    def __init__(self):
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def call(self, coroutine, timeout: float = 10):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def close(self):
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


class SmtpSink:
    """Accepts any message on 127.0.0.1:port and keeps its headers; stop() refuses
    connections (the port closed, as a mail server that is down); hold() keeps every
    sender waiting at DATA, before a byte of the message is sent, until release()."""

    def __init__(self, loop: Loop, port: int):
        self.loop, self.port = loop, port
        self.server = None
        self.received: list[Received] = []
        self.lock = threading.Lock()
        self._released: asyncio.Event | None = None
        self.held = 0  # senders waiting at DATA now

    def start(self):
        async def serve():
            return await asyncio.start_server(self._session, "127.0.0.1", self.port)

        self.server = self.loop.call(serve())

    def stop(self):
        if self.server is not None:
            server, self.server = self.server, None

            async def close():
                server.close()
                server.close_clients()  # a session in progress is cut, as a crash would
                await server.wait_closed()

            self.loop.call(close())

    def hold(self):
        async def start_holding():
            self._released = asyncio.Event()

        self.loop.call(start_holding())

    def release(self):
        async def let_go():
            if self._released is not None:
                self._released.set()
                self._released = None

        self.loop.call(let_go())

    @property
    def running(self) -> bool:
        return self.server is not None

    def messages(self) -> list[Received]:
        with self.lock:
            return list(self.received)

    async def _session(self, reader, writer):
        async def reply(line: str):
            writer.write(line.encode() + b"\r\n")
            await writer.drain()

        recipients: list[str] = []
        try:
            await reply("220 sink ESMTP")
            while line := await asyncio.wait_for(reader.readline(), 30):
                command = line.decode(errors="replace").strip()
                verb = command[:4].upper()
                if verb == "EHLO":
                    await reply("250-sink\r\n250-8BITMIME\r\n250 SMTPUTF8")
                elif verb == "RCPT":
                    recipients.append(command.partition(":")[2].strip().strip("<>").split(">")[0])
                    await reply("250 OK")
                elif verb == "DATA":
                    if self._released is not None:
                        released, self.held = self._released, self.held + 1
                        try:
                            await released.wait()
                        finally:
                            self.held -= 1
                    await reply("354 End with <CRLF>.<CRLF>")
                    data = await asyncio.wait_for(reader.readuntil(b"\r\n.\r\n"), 30)
                    self._keep(data, recipients)
                    recipients = []
                    await reply("250 OK queued")
                elif verb == "QUIT":
                    await reply("221 Bye")
                    break
                elif verb == "RSET":
                    recipients = []
                    await reply("250 OK")
                else:  # HELO, MAIL, NOOP
                    await reply("250 OK")
        except (ConnectionError, TimeoutError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    def _keep(self, data: bytes, recipients: list[str]):
        # The old policy reads headers in a quarter of the time of the default one: the
        # sink shares the machine's cores with the workers whose sending it measures.
        headers = BytesHeaderParser(policy=compat32).parsebytes(data)
        subject = str(make_header(decode_header(headers.get("Subject", ""))))
        message = Received(
            message_id=str(headers.get("Message-ID", "")).strip(),
            to=tuple(recipients),
            subject=" ".join(subject.split()),  # unfolded, encoded words decoded
            at=time.monotonic(),
        )
        with self.lock:
            self.received.append(message)


class RoundRobinProxy:
    """127.0.0.1:port → each backend in turn, one whole connection at a time."""

    def __init__(self, loop: Loop, port: int, backends: list[int]):
        self.loop, self.port, self.backends = loop, port, backends
        self.connections: Counter[int] = Counter()
        self._next = 0
        self.server = None

    def start(self):
        async def serve():
            return await asyncio.start_server(self._connect, "127.0.0.1", self.port)

        self.server = self.loop.call(serve())

    def stop(self):
        if self.server is not None:
            server, self.server = self.server, None

            async def close():
                server.close()
                server.close_clients()
                await server.wait_closed()

            self.loop.call(close())

    async def _connect(self, client_reader, client_writer):
        backend = self.backends[self._next % len(self.backends)]
        self._next += 1
        self.connections[backend] += 1
        try:
            server_reader, server_writer = await asyncio.open_connection("127.0.0.1", backend)
        except OSError:
            client_writer.close()
            return

        async def pipe(reader, writer):
            try:
                while chunk := await reader.read(65536):
                    writer.write(chunk)
                    await writer.drain()
            except ConnectionError:
                pass
            finally:
                writer.close()

        await asyncio.gather(pipe(client_reader, server_writer), pipe(server_reader, client_writer))
