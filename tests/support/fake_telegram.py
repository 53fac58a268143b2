"""A stand-in for the Telegram Bot API: an HTTP server on 127.0.0.1 that records every call.

It answers like Telegram (`{"ok": true, "result": ...}`, or `{"ok": false, "error_code",
"description"}`) and can be told to refuse a chat, refuse everything, or answer too slowly.
"""

import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


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


class FakeTelegram:
    def __init__(self):
        self.calls = []
        self.refusals = {}  # chat id (str) -> (status, description)
        self.refuse_everything = None  # (status, description)
        self.delay_seconds = 0.0
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

    def _answer(self, method, params):
        if self.delay_seconds:
            time.sleep(self.delay_seconds)
        refusal = self.refuse_everything or self.refusals.get(str(params.get("chat_id")))
        if refusal:
            status, description = refusal
            return status, {"ok": False, "error_code": status, "description": description}
        if method == "sendMessage":
            return 200, {"ok": True, "result": {"message_id": len(self.calls), "text": "..."}}
        return 200, {"ok": True, "result": True, "description": "Webhook was set"}

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                _, bot_token, method = self.path.split("/", 2)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                params = json.loads(body or b"{}")
                fake.calls.append(Call(bot_token.removeprefix("bot"), method, params))
                status, answer = fake._answer(method, params)
                payload = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format, *args):
                pass

        return Handler
