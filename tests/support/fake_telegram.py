"""A stand-in for the Telegram Bot API: an HTTP server on 127.0.0.1 that records every call.

It answers like Telegram (`{"ok": true, "result": ...}`, or `{"ok": false, "error_code",
"description"}`) and can be told to refuse a chat, refuse everything, or answer too slowly.
It also holds the bot's incoming messages for long polling (getUpdates with offset and timeout,
refused with 409 while a webhook is set), and can fail the next calls of a method: with an HTTP
status (and `retry_after`), or by closing the connection without an answer.
"""

import collections
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

WEBHOOK_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def handle_error(self, request, client_address):
        # A client that gave up waiting (a timeout test) closed the socket; nothing to report.
        pass


@dataclass
class Call:
    token: str
    method: str
    params: dict
    at: float = field(default_factory=time.monotonic)


@dataclass
class Failure:
    status: int | None  # None: the connection is closed without an answer
    description: str = ""
    retry_after: int | None = None


class FakeTelegram:
    def __init__(self):
        self.calls = []
        self.refusals = {}  # chat id (str) -> (status, description)
        self.refuse_everything = None  # (status, description)
        self.delay_seconds = 0.0
        self.delays = {}  # method -> seconds, for that method only
        self.webhook_url = ""
        self.failures = collections.defaultdict(collections.deque)  # method -> Failure, in order
        self._updates = []
        self._next_update_id = 1000
        self._updates_changed = threading.Condition()
        self._server = _Server(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self):
        # A short poll interval: shutdown() waits for the serving loop to notice it.
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        ).start()
        return self

    def __exit__(self, *exc_info):
        self._server.shutdown()
        self._server.server_close()

    def refuse_chat(self, chat_id, status, description):
        self.refusals[str(chat_id)] = (status, description)

    def calls_of(self, method):
        return [call.params for call in self.calls if call.method == method]

    @property
    def sent_messages(self):
        return self.calls_of("sendMessage")

    def texts_sent_to(self, chat_id):
        return [params["text"] for params in self.sent_messages if params["chat_id"] == chat_id]

    def fail_next(self, method, *failures):
        self.failures[method].extend(failures)

    def send_update(self, update):
        """Queue an update for getUpdates, numbered after the previous ones; returns its id."""
        with self._updates_changed:
            update_id = self._next_update_id
            self._next_update_id += 1
            self._updates.append({"update_id": update_id, **update})
            self._updates_changed.notify_all()
        return update_id

    def send_text(self, chat_id, text, username="trader"):
        """A user writes `text` to the bot."""
        return self.send_update(
            {
                "message": {
                    "message_id": self._next_update_id,
                    "date": int(time.time()),
                    "chat": {"id": int(chat_id), "type": "private"},
                    "from": {"id": int(chat_id), "is_bot": False, "username": username},
                    "text": text,
                }
            }
        )

    @property
    def pending_update_ids(self):
        """The ids of the updates not yet confirmed by a getUpdates offset."""
        with self._updates_changed:
            return [update["update_id"] for update in self._updates]

    def _get_updates(self, params):
        offset = params.get("offset")
        deadline = time.monotonic() + min(float(params.get("timeout") or 0), 5.0)
        with self._updates_changed:
            if offset is not None:
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
            while not self._updates and time.monotonic() < deadline:
                self._updates_changed.wait(deadline - time.monotonic())
            return self._updates[: int(params.get("limit") or 100)]

    def _answer(self, method, params):
        if self.delay_seconds or method in self.delays:
            time.sleep(self.delays.get(method, self.delay_seconds))
        if self.failures[method]:
            failure = self.failures[method].popleft()
            if failure.status is None:
                return None, None
            answer = {"ok": False, "error_code": failure.status, "description": failure.description}
            if failure.retry_after is not None:
                answer["parameters"] = {"retry_after": failure.retry_after}
            return failure.status, answer
        refusal = self.refuse_everything or self.refusals.get(str(params.get("chat_id")))
        if refusal:
            status, description = refusal
            return status, {"ok": False, "error_code": status, "description": description}
        if method == "getUpdates" and self.webhook_url:
            return 409, {"ok": False, "error_code": 409, "description": WEBHOOK_CONFLICT}
        if method == "getUpdates":
            return 200, {"ok": True, "result": self._get_updates(params)}
        if method == "getWebhookInfo":
            return 200, {"ok": True, "result": {"url": self.webhook_url, "pending_update_count": 0}}
        if method == "sendMessage":
            return 200, {"ok": True, "result": {"message_id": len(self.calls), "text": "..."}}
        if method == "setWebhook":
            self.webhook_url = params.get("url", "")
            return 200, {"ok": True, "result": True, "description": "Webhook was set"}
        if method == "deleteWebhook":
            self.webhook_url = ""
            return 200, {"ok": True, "result": True, "description": "Webhook was deleted"}
        return 200, {"ok": True, "result": True}

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                _, bot_token, method = self.path.split("/", 2)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                params = json.loads(body or b"{}")
                fake.calls.append(Call(bot_token.removeprefix("bot"), method, params))
                status, answer = fake._answer(method, params)
                if status is None:
                    self.close_connection = True
                    return
                payload = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format, *args):
                pass

        return Handler
