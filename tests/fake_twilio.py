"""Twilio's Messages API, faked over real HTTP on localhost: the one edge we cannot reach.

Coprod's real Twilio backend (coprod.notifications.sms.TwilioSmsBackend) and
Twilio's own client run unchanged; only the host they talk to is this server.
It keeps every text it accepts and can misbehave on request:

- `fail_lookups`: answer the next N "which texts went?" look-ups with a 500;
- `hang_up_after_create`: keep the next text, then drop the connection
  without answering (the client cannot know it went).
"""

import datetime
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from twilio.http.http_client import TwilioHttpClient

from coprod.notifications.sms import TwilioSmsBackend

ACCOUNT_SID = "AC" + "0" * 32


class FakeTwilio:
    def __init__(self):
        self.texts: list[dict] = []
        self.lookups = 0
        self.fail_lookups = 0
        self.hang_up_after_create = False
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _answer(self, status, payload):
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                form = urllib.parse.parse_qs(self.rfile.read(length).decode())
                with fake._lock:
                    sid = f"SM{len(fake.texts) + 1:032d}"
                    text = {
                        "sid": sid,
                        "to": form["To"][0],
                        "from": form["From"][0],
                        "body": form["Body"][0],
                        "date_sent": datetime.datetime.now(datetime.UTC).strftime(
                            "%a, %d %b %Y %H:%M:%S +0000"
                        ),
                    }
                    fake.texts.append(text)
                    hang_up, fake.hang_up_after_create = fake.hang_up_after_create, False
                if hang_up:
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                self._answer(201, text)

            def do_GET(self):
                query = urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query)
                with fake._lock:
                    fake.lookups += 1
                    if fake.fail_lookups:
                        fake.fail_lookups -= 1
                        self._answer(500, {"code": 20500, "message": "Internal Server Error"})
                        return
                    found = [t for t in fake.texts if t["to"] == query.get("To", [""])[0]]
                self._answer(200, {"messages": found, "next_page_uri": None})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class LocalClient(TwilioHttpClient):
    """Twilio's own HTTP client, sending to the fake on localhost instead of api.twilio.com."""

    port = 0

    def request(self, method, url, *args, **kwargs):
        parts = urllib.parse.urlsplit(url)
        local = parts._replace(scheme="http", netloc=f"127.0.0.1:{self.port}")
        kwargs["timeout"] = 5
        return super().request(method, urllib.parse.urlunsplit(local), *args, **kwargs)


class LocalTwilioBackend(TwilioSmsBackend):
    """The real Twilio backend, pointed at the fake (COPROD_SMS_BACKEND names this class)."""

    def __init__(self):
        super().__init__(http_client=LocalClient())
