"""A stand-in for WeChat's servers (api.weixin.qq.com), run as its own process by the tests:
`python tests/channels/fake_wechat_api.py PORT [TOKEN_DELAY_SECONDS]`.

- GET  /cgi-bin/token?grant_type=client_credential&appid=&secret=  → a new token each call (counted)
- POST /cgi-bin/message/custom/send?access_token=                  → recorded; 40001 for unknown tokens
- POST /cgi-bin/menu/create?access_token=                           → recorded
- GET  /_calls  → everything received, as JSON;  POST /_reset → forget all, tokens included;
  POST /_expire → every issued token becomes invalid (as when WeChat expires it early).
"""

from __future__ import annotations

import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

SECRETS = {"wx-test-appid": "wx-test-secret", "mini-test-appid": "mini-test-secret"}

lock = threading.Lock()
state = {"token_calls": [], "messages": [], "menus": [], "valid": set(), "counter": 0}
TOKEN_DELAY = float(sys.argv[2]) if len(sys.argv) > 2 else 0.0


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass

    def _json(self, body, status: int = 200) -> None:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        url = urlparse(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        if url.path == "/cgi-bin/token":
            time.sleep(TOKEN_DELAY)  # widens the window in which concurrent refreshes would collide
            with lock:
                state["token_calls"].append({"appid": query.get("appid"), "at": time.time()})
                if SECRETS.get(query.get("appid")) != query.get("secret"):
                    return self._json({"errcode": 40125, "errmsg": "invalid appsecret"})
                state["counter"] += 1
                token = f"token-{query['appid']}-{state['counter']}"
                state["valid"].add(token)
            return self._json({"access_token": token, "expires_in": 7200})
        if url.path == "/_calls":
            with lock:
                return self._json(
                    {"token_calls": state["token_calls"], "messages": state["messages"], "menus": state["menus"]}
                )
        self._json({"errcode": 404}, 404)

    def do_POST(self) -> None:
        url = urlparse(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        if url.path == "/_reset":
            with lock:
                state.update({"token_calls": [], "messages": [], "menus": [], "valid": set()})
            return self._json({"ok": True})
        if url.path == "/_expire":
            with lock:
                state["valid"] = set()
            return self._json({"ok": True})
        if url.path in ("/cgi-bin/message/custom/send", "/cgi-bin/menu/create"):
            token = query.get("access_token")
            with lock:
                if token not in state["valid"]:
                    return self._json({"errcode": 40001, "errmsg": "invalid credential"})
                body = json.loads(raw.decode("utf-8"))  # raw UTF-8, as WeChat expects
                entry = {"token": token, "body": body, "raw_utf8": "\\u" not in raw.decode("utf-8"), "at": time.time()}
                state["messages" if "custom" in url.path else "menus"].append(entry)
            return self._json({"errcode": 0, "errmsg": "ok"})
        self._json({"errcode": 404}, 404)


def main() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
    server.daemon_threads = True
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
