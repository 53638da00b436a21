"""The API host (`/1.2/...`): OAuth token endpoints, user details and the locker."""

from __future__ import annotations

from urllib.parse import urlencode

from . import faults
from .context import SandboxContext
from .query import locker_entries, parse_locker_query, run_locker_query
from .render import (
    render_locker_json,
    render_locker_xml,
    render_token_xml,
    render_user_json,
    render_user_xml,
)
from .store import Token
from .web import ApiError, Request, Response, api_response


def request_token(ctx: SandboxContext, req: Request) -> Response:
    verified = ctx.verify(req, token_required=False)
    callback = verified.oauth_params.get("oauth_callback") or req.params.get("oauth_callback")
    token = ctx.store.create_request_token(
        verified.consumer_key, None if callback == "oob" else callback
    )
    return _token_answer(ctx, "request", token)


def access_token(ctx: SandboxContext, req: Request) -> Response:
    verified = ctx.verify(req, token_kind="request")
    assert verified.token is not None
    access = None
    if verified.token.status == "authorised":
        access = ctx.store.exchange_request_token(verified.token.token)
    if access is None:
        raise ApiError(2002, "Request token has not been authorised", status=401)
    return _token_answer(ctx, "access", access)


def _token_answer(ctx: SandboxContext, kind: str, token: Token) -> Response:
    if faults.current(ctx.store)["token_format"] == "xml":
        body = render_token_xml(kind, token.token, token.secret)
        return Response(200, body, "application/xml; charset=utf-8")
    fields = {"oauth_token": token.token, "oauth_token_secret": token.secret}
    if kind == "request":
        fields["oauth_callback_confirmed"] = "true"
    return Response(200, urlencode(fields).encode(), "application/x-www-form-urlencoded")


def user_details(ctx: SandboxContext, req: Request) -> Response:
    account = ctx.account_for(ctx.verify(req))
    return api_response(req, render_user_json, render_user_xml, account.id, account.email)


def user_locker(ctx: SandboxContext, req: Request) -> Response:
    account = ctx.account_for(ctx.verify(req))
    query = parse_locker_query(req.params)
    entries = locker_entries(ctx.store.locker_rows(account.id), ctx.catalogue)
    total, page = run_locker_query(entries, query)
    args = (query.page, query.page_size, total, page, ctx.base_url)
    return api_response(req, render_locker_json, render_locker_xml, *args)
