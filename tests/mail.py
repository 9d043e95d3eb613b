"""A real SMTP server on localhost (aiosmtpd) that keeps what it receives."""

import email
import email.policy
import socket
import threading
import time

from aiosmtpd.controller import Controller


class Inbox:
    """aiosmtpd handler: every message delivered, parsed, in arrival order.

    `delay` makes the server think before accepting each message; a client
    that goes away meanwhile never gets the "250", and (as with any mail
    server) the message is not delivered. `refuse` answers every message
    with a permanent error. `hang_up` keeps the message but drops the line
    before answering, as a relay that crashes mid-reply: the sender cannot know
    it arrived. `quit_delay` makes the server slow to say goodbye.
    """

    def __init__(
        self,
        *,
        delay: float = 0.0,
        refuse: bool = False,
        hang_up: bool = False,
        quit_delay: float = 0.0,
    ):
        self.messages = []
        self.arrived_at = []
        self.delay, self.refuse, self.hang_up, self.quit_delay = delay, refuse, hang_up, quit_delay
        self._arrived = threading.Condition()

    async def handle_QUIT(self, server, session, envelope):
        if self.quit_delay:
            import asyncio

            await asyncio.sleep(self.quit_delay)
        return "221 Bye"

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            return "550 5.1.1 Mailbox unavailable"
        if self.delay:
            import asyncio

            # Cancelled if the client disconnects: then nothing is delivered.
            await asyncio.sleep(self.delay)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._arrived:
            self.messages.append(message)
            self.arrived_at.append(time.time())
            self._arrived.notify_all()
        if self.hang_up:
            server.transport.close()
        return "250 Message accepted for delivery"

    def count(self) -> int:
        with self._arrived:
            return len(self.messages)

    def wait_for(self, to: str, timeout: float = 10.0):
        """Return the newest message to `to`, waiting for it to arrive."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while True:
                found = [m for m in self.messages if to in m["To"]]
                if found:
                    return found[-1]
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"No email to {to} arrived within {timeout} seconds")
                self._arrived.wait(left)

    @staticmethod
    def text_of(message) -> str:
        return message.get_body(preferencelist=("plain",)).get_content()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_smtp_server(**options):
    inbox = Inbox(**options)
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    return controller, inbox
