"""Text message backends: one interface, a file or console backend for development,
and Twilio (its official Python client) for real texts.

Each backend can also say whether a text was already sent: the dispatcher asks
before trying again a message whose earlier attempt may have gone out.
"""

import datetime
import json
import logging
import threading

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class SmsError(Exception):
    """The provider refused, or could not be reached, or did not answer.

    `may_have_gone` is true when the request may have reached the provider
    (a timeout or a broken connection after it was sent, or the provider's
    own fault): then the text may have been sent all the same.
    """

    def __init__(self, message: str, *, may_have_gone: bool = False):
        super().__init__(message)
        self.may_have_gone = may_have_gone


class SmsBackend:
    def send(self, *, to: str, body: str, reference: str) -> str:
        """Send a text; return the provider's id for it."""
        raise NotImplementedError

    def find_sent(self, *, to: str, body: str, reference: str, since: datetime.datetime) -> str:
        """Return the provider's id if this text was already sent, else ""."""
        raise NotImplementedError


class FileSmsBackend(SmsBackend):
    """Appends each text to a JSON-lines file (var/sms/outbox.jsonl): for development and tests."""

    _lock = threading.Lock()

    def __init__(self, path=None):
        self.path = path or settings.COPROD_SMS_FILE

    def read(self) -> list[dict]:
        if not self.path.exists():
            return []
        return [json.loads(line) for line in self.path.read_text().splitlines() if line]

    def send(self, *, to, body, reference):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        record = {
            "id": f"file-{reference}",
            "to": to,
            "body": body,
            "reference": reference,
            "at": datetime.datetime.now(datetime.UTC).isoformat(),
        }
        with self._lock, self.path.open("a") as out:
            out.write(json.dumps(record) + "\n")
        return record["id"]

    def find_sent(self, *, to, body, reference, since):
        return next((r["id"] for r in self.read() if r["reference"] == reference), "")


class ConsoleSmsBackend(SmsBackend):
    """Writes each text to the log, for `make run`."""

    def send(self, *, to, body, reference):
        logger.info("Text message to %s:\n%s", to, body)
        return f"console-{reference}"

    def find_sent(self, *, to, body, reference, since):
        return ""


class TwilioSmsBackend(SmsBackend):
    """Real texts through Twilio, with its official client (twilio on PyPI).

    Twilio has no idempotency key, so `find_sent` lists the texts sent to the
    same number since the attempt began and matches the body.
    """

    def __init__(self, http_client=None):
        # Twilio's client is imported only by a worker that sends through it.
        from twilio.rest import Client  # noqa: PLC0415 - see above

        if not (settings.TWILIO_ACCOUNT_SID and settings.TWILIO_AUTH_TOKEN):
            raise SmsError("Set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN to send texts.")
        self.client = Client(
            settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN, http_client=http_client
        )

    def send(self, *, to, body, reference):
        from requests.exceptions import ConnectionError as NoConnection  # noqa: PLC0415 - as above
        from requests.exceptions import ConnectTimeout  # noqa: PLC0415 - as above
        from twilio.base.exceptions import TwilioRestException  # noqa: PLC0415 - as above

        try:
            message = self.client.messages.create(
                to=to, from_=settings.TWILIO_FROM_NUMBER, body=body
            )
        except TwilioRestException as error:
            # Twilio answered with an error. A 4xx means it refused the text;
            # a 5xx is its own fault, and the text may have been taken.
            raise SmsError(str(error)[:400], may_have_gone=error.status >= 500) from error
        except ConnectTimeout as error:
            raise SmsError(f"Could not reach Twilio: {error}"[:400]) from error
        except NoConnection as error:
            # Refused before anything was sent, or cut off after: cannot tell.
            sent = "NewConnectionError" not in repr(error)
            raise SmsError(f"Twilio did not answer: {error}"[:400], may_have_gone=sent) from error
        except Exception as error:  # a read timeout, or anything else mid-request
            raise SmsError(f"Twilio did not answer: {error}"[:400], may_have_gone=True) from error
        return message.sid

    def find_sent(self, *, to, body, reference, since):
        try:
            messages = self.client.messages.list(
                to=to, date_sent_after=since - datetime.timedelta(minutes=1), limit=50
            )
        except Exception as error:  # Twilio's errors and the network's alike
            raise SmsError(str(error)[:400]) from error
        return next((m.sid for m in messages if (m.body or "").strip() == body.strip()), "")


BACKENDS = {
    "file": FileSmsBackend,
    "console": ConsoleSmsBackend,
    "twilio": TwilioSmsBackend,
}


def sms_backend() -> SmsBackend:
    """Return the backend COPROD_SMS_BACKEND names: file, console, twilio or a dotted path."""
    name = settings.COPROD_SMS_BACKEND
    backend = BACKENDS.get(name) or import_string(name)
    return backend()
