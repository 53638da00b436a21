"""`/_sandbox/...`: the control endpoints tests and developers use (loopback only, no auth)."""

from __future__ import annotations

import ipaddress
import json

from . import faults
from .context import SandboxContext
from .web import Request, Response, json_response

PREFIX = "/_sandbox"


def is_control(path: str) -> bool:
    return path == PREFIX or path.startswith(PREFIX + "/")


def _body(req: Request) -> dict:
    if not req.body:
        return {}
    document = json.loads(req.body)
    if not isinstance(document, dict):
        raise ValueError("the body must be a JSON object")
    return document


def _is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def handle(ctx: SandboxContext, req: Request) -> Response:
    if not _is_loopback(req.remote_addr):
        return json_response({"error": "the control endpoints answer loopback clients only"}, 403)
    route = (req.method, req.path.removeprefix(PREFIX).rstrip("/"))
    handler = ROUTES.get(route)
    if handler is None:
        known = sorted(f"{m} {PREFIX}{p}" for m, p in ROUTES)
        return json_response({"error": f"unknown control endpoint; known: {known}"}, 404)
    try:
        return handler(ctx, req)
    except ValueError as error:  # also json.JSONDecodeError
        return json_response({"error": str(error)}, 400)


def get_faults(ctx: SandboxContext, req: Request) -> Response:
    return json_response(faults.current(ctx.store))


def post_faults(ctx: SandboxContext, req: Request) -> Response:
    return json_response(faults.update(ctx.store, _body(req)))


def reset(ctx: SandboxContext, req: Request) -> Response:
    ctx.store.reset()
    return json_response({"reset": True})


def revoke(ctx: SandboxContext, req: Request) -> Response:
    body = _body(req)
    if not isinstance(body.get("email") or body.get("token"), str):
        raise ValueError('send {"email": ...} or {"token": ...}')
    return json_response({"revoked": ctx.store.revoke(body.get("email"), body.get("token"))})


def remaining(ctx: SandboxContext, req: Request) -> Response:
    account = ctx.store.account_by_email(req.params.get("email", ""))
    release_id, track_id = req.params.get("releaseId", ""), req.params.get("trackId", "")
    if not (release_id.isdigit() and track_id.isdigit()):
        raise ValueError("releaseId and trackId must be integers")
    count = ctx.store.remaining(account.id, int(release_id), int(track_id)) if account else None
    if count is None:
        return json_response({"error": "that account does not own that track"}, 404)
    return json_response({"remaining": count})


def log(ctx: SandboxContext, req: Request) -> Response:
    return json_response(ctx.request_log.entries(req.params.get("path", "")))


def clear_log(ctx: SandboxContext, req: Request) -> Response:
    ctx.request_log.clear()
    return json_response({"cleared": True})


def accounts(ctx: SandboxContext, req: Request) -> Response:
    listing = []
    for account in ctx.store.accounts():
        token = ctx.store.demo_token(account.email)
        listing.append({"email": account.email, "id": account.id, "token": token and token[0]})
    return json_response(listing)


def health(ctx: SandboxContext, req: Request) -> Response:
    return json_response({"ok": True, "base_url": ctx.base_url})


ROUTES = {
    ("GET", "/faults"): get_faults,
    ("POST", "/faults"): post_faults,
    ("POST", "/reset"): reset,
    ("POST", "/revoke"): revoke,
    ("GET", "/remaining"): remaining,
    ("GET", "/log"): log,
    ("POST", "/log/clear"): clear_log,
    ("GET", "/accounts"): accounts,
    ("GET", "/health"): health,
}
