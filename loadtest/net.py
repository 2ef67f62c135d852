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
from dataclasses import dataclass
from email.parser import BytesHeaderParser
from email.policy import default as default_policy


@dataclass(frozen=True)
class Received:
    message_id: str
    to: tuple[str, ...]
    subject: str
    at: float


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
        headers = BytesHeaderParser(policy=default_policy).parsebytes(data)
        message = Received(
            message_id=str(headers.get("Message-ID", "")).strip(),
            to=tuple(recipients),
            subject=str(headers.get("Subject", "")),
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
