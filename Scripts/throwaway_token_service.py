"""A throwaway OAuth 2.0 provider on 127.0.0.1, for the OAuth tests.

    throwaway_token_service.py CERT KEY HTTPS_PORT ADMIN_PORT USER

HTTPS_PORT speaks the provider's side of RFC 6749, RFC 7636 (PKCE, S256
only), RFC 8628 (device flow) and RFC 7662 (introspection, for dovecot's
oauth2 passdb), for one user, with any client id:

    GET  /authorize   consents at once: redirects to redirect_uri with code and state
    POST /token       authorization_code, refresh_token, device_code grants
    POST /device      starts a device flow (interval 1 s)
    POST /introspect  {"active": true, "username": USER} for a live access token

ADMIN_PORT (plain HTTP) lets the test change the world:

    /admin/expire            every access token stops being active
    /admin/revoke            every refresh and access token stops being active
    /admin/rotate?on=1|0     refresh grants rotate the refresh token (default on)
    /admin/lifetime?seconds=N  expires_in of new access tokens (default 3600)
    /admin/delay?seconds=N   the token endpoint waits this long before answering
    /admin/deny?on=1|0       /authorize redirects with error=access_denied
    /admin/approve?user_code=X  the user approves a device code
    /admin/stats             JSON: refreshes, every token ever issued, requests

Runs until SIGTERM. Nothing here is secure: tokens are random but kept in memory
and shown by /admin/stats.
"""
import base64
import hashlib
import json
import secrets
import signal
import ssl
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CERT, KEY, HTTPS_PORT, ADMIN_PORT, USER = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]

lock = threading.Lock()
state = {
    "rotate": True, "lifetime": 3600, "delay": 0.0, "deny": False,
    "codes": {}, "devices": {}, "access": {}, "refresh": {},
    "issued": [], "refreshes": 0, "requests": [],
}


def new_token(kind):
    token = f"{kind}-" + secrets.token_urlsafe(24)
    state["issued"].append(token)
    return token


def issue(with_refresh, old_refresh=None):
    """Issues an access token, and a refresh token when asked or rotating."""
    access = new_token("at")
    state["access"][access] = True
    answer = {"access_token": access, "token_type": "Bearer", "expires_in": state["lifetime"]}
    if with_refresh:
        refresh = new_token("rt")
        state["refresh"][refresh] = True
        if old_refresh:
            state["refresh"][old_refresh] = False
        answer["refresh_token"] = refresh
    return answer


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body, headers=()):
        data = json.dumps(body).encode() if body is not None else b""
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def form(self):
        length = int(self.headers.get("Content-Length") or 0)
        return dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))

    def query(self):
        return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query))

    def route(self):
        return urllib.parse.urlsplit(self.path).path


class Provider(Handler):
    def do_GET(self):
        if self.route() != "/authorize":
            return self.reply(404, {"error": "not_found"})
        q = self.query()
        redirect = q.get("redirect_uri", "")
        if not (redirect.startswith("http://127.0.0.1:") or redirect.startswith("http://localhost:")):
            return self.reply(400, {"error": "invalid_request", "error_description": "redirect_uri"})
        with lock:
            state["requests"].append({"path": "/authorize", "query": sorted(q)})
            if state["deny"]:
                params = {"error": "access_denied", "state": q.get("state", "")}
            elif q.get("response_type") != "code" or q.get("code_challenge_method") != "S256" \
                    or not q.get("code_challenge"):
                params = {"error": "invalid_request", "state": q.get("state", "")}
            else:
                code = "code-" + secrets.token_urlsafe(12)
                state["codes"][code] = {"challenge": q["code_challenge"], "redirect_uri": redirect}
                params = {"code": code, "state": q.get("state", "")}
        self.reply(302, None, [("Location", redirect + "?" + urllib.parse.urlencode(params))])

    def do_POST(self):
        route, form = self.route(), self.form()
        if route == "/introspect":
            with lock:
                active = state["access"].get(form.get("token", ""), False)
            return self.reply(200, {"active": True, "username": USER} if active else {"active": False})
        if route == "/device":
            with lock:
                device = "dc-" + secrets.token_urlsafe(12)
                user_code = "".join(secrets.choice("BCDFGHJKLMNPQRSTVWXZ") for _ in range(8))
                state["devices"][device] = {"user_code": user_code, "approved": False, "used": False}
                state["requests"].append({"path": "/device", "form": sorted(form)})
            return self.reply(200, {"device_code": device, "user_code": user_code,
                                    "verification_uri": f"https://127.0.0.1:{HTTPS_PORT}/device",
                                    "expires_in": 600, "interval": 1})
        if route != "/token":
            return self.reply(404, {"error": "not_found"})
        delay = state["delay"]
        if delay:
            time.sleep(delay)
        with lock:
            state["requests"].append({"path": "/token", "grant_type": form.get("grant_type")})
            grant = form.get("grant_type")
            if not form.get("client_id"):
                return self.reply(401, {"error": "invalid_client"})
            if grant == "authorization_code":
                entry = state["codes"].pop(form.get("code", ""), None)
                verifier = form.get("code_verifier", "")
                digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
                if entry is None or entry["challenge"] != digest or entry["redirect_uri"] != form.get("redirect_uri"):
                    return self.reply(400, {"error": "invalid_grant", "error_description": "code, verifier or redirect_uri"})
                return self.reply(200, issue(True))
            if grant == "refresh_token":
                old = form.get("refresh_token", "")
                if not state["refresh"].get(old, False):
                    return self.reply(400, {"error": "invalid_grant",
                                            "error_description": "Token has been expired or revoked."})
                state["refreshes"] += 1
                return self.reply(200, issue(state["rotate"], old if state["rotate"] else None))
            if grant == "urn:ietf:params:oauth:grant-type:device_code":
                entry = state["devices"].get(form.get("device_code", ""))
                if entry is None or entry["used"]:
                    return self.reply(400, {"error": "invalid_grant"})
                if not entry["approved"]:
                    return self.reply(400, {"error": "authorization_pending"})
                entry["used"] = True
                return self.reply(200, issue(True))
            return self.reply(400, {"error": "unsupported_grant_type"})


class Admin(Handler):
    def do_GET(self):
        self.do_POST()

    def do_POST(self):
        route, q = self.route(), self.query()
        with lock:
            if route == "/admin/expire":
                for token in state["access"]:
                    state["access"][token] = False
            elif route == "/admin/revoke":
                for table in ("access", "refresh"):
                    for token in state[table]:
                        state[table][token] = False
            elif route == "/admin/rotate":
                state["rotate"] = q.get("on") == "1"
            elif route == "/admin/lifetime":
                state["lifetime"] = int(q["seconds"])
            elif route == "/admin/delay":
                state["delay"] = float(q["seconds"])
            elif route == "/admin/deny":
                state["deny"] = q.get("on") == "1"
            elif route == "/admin/approve":
                found = [d for d in state["devices"].values() if d["user_code"] == q.get("user_code")]
                if not found:
                    return self.reply(404, {"error": "no such user_code"})
                found[0]["approved"] = True
            elif route != "/admin/stats":
                return self.reply(404, {"error": "not_found"})
            return self.reply(200, {"refreshes": state["refreshes"], "issued": state["issued"],
                                    "requests": state["requests"]})


def main():
    provider = ThreadingHTTPServer(("127.0.0.1", HTTPS_PORT), Provider)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(CERT, KEY)
    provider.socket = context.wrap_socket(provider.socket, server_side=True)
    admin = ThreadingHTTPServer(("127.0.0.1", ADMIN_PORT), Admin)
    for server in (provider, admin):
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    stop.wait()


if __name__ == "__main__":
    main()
