"""The account host's authorise page: `/{consumer_key}/oauth/authorise` (sign in, Allow or Deny)."""

from __future__ import annotations

from html import escape
from urllib.parse import urlencode, urlsplit

from .context import SandboxContext
from .demo import ACCOUNTS
from .store import Token
from .web import Request, Response, html_response, redirect

TITLE = "7digital sandbox: authorise Locker"
STYLE = """
body { font: 16px/1.5 system-ui, sans-serif; background: #f4f4f6; color: #1d1d24; margin: 0;
       padding: 0 1rem; }
main { max-width: 26rem; margin: 3rem auto; padding: 2rem; background: #fff; border-radius: 12px;
       box-shadow: 0 2px 12px rgb(0 0 0 / 8%); }
h1 { font-size: 1.35rem; margin: 0 0 .5rem; }
label { display: block; margin-top: 1rem; font-weight: 600; }
input { width: 100%; box-sizing: border-box; padding: .55rem; font: inherit; border: 1px solid #999;
        border-radius: 6px; }
.buttons { display: flex; gap: .75rem; margin-top: 1.5rem; }
button { flex: 1; padding: .65rem; font: inherit; font-weight: 600; border-radius: 6px;
         border: 1px solid #1d1d24; cursor: pointer; }
button[value=allow] { background: #1d5fd1; border-color: #1d5fd1; color: #fff; }
button[value=deny] { background: #fff; color: #1d1d24; }
.error { background: #fde8e8; border: 1px solid #c81e1e; color: #8a1212; padding: .6rem;
         border-radius: 6px; }
.hint { font-size: .85rem; color: #555; margin-top: 1.5rem; }
"""


def _page(title: str, body: str, status: int = 200) -> Response:
    html = (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head>"
        f"<body><main>{body}</main></body></html>\n"
    )
    return html_response(html, status)


def _problem(message: str) -> Response:
    return _page(TITLE, f"<h1>Cannot authorise</h1><p>{escape(message)}</p>", status=400)


def _form(req: Request, error: str = "", email: str = "") -> Response:
    action = req.path + (f"?{req.query}" if req.query else "")
    alert = f'<p class="error" role="alert">{escape(error)}</p>' if error else ""
    hint = ", ".join(f"{escape(a.email)} / {escape(a.password)}" for a in ACCOUNTS)
    body = f"""<h1>Authorise Locker</h1>
<p>Locker would like to read your 7digital locker and download your purchases.</p>
{alert}<form method="post" action="{escape(action)}">
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="username" value="{escape(email)}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password">
<div class="buttons"><button type="submit" name="action" value="allow">Allow</button>
<button type="submit" name="action" value="deny">Deny</button></div>
</form>
<p class="hint">This is the 7digital sandbox. Demo accounts: {hint}.</p>"""
    return _page(TITLE, body)


def with_query(url: str, params: dict[str, str]) -> str:
    """Append parameters to a URL that may already have a query (or a fragment)."""
    base, hash_mark, fragment = url.partition("#")
    separator = "" if base.endswith(("?", "&")) else "&" if "?" in base else "?"
    return f"{base}{separator}{urlencode(params)}{hash_mark}{fragment}"


def _finish(token: Token, callback: str | None, authorised: bool) -> Response:
    params = {"oauth_token": token.token, "status": "Authorised" if authorised else "Denied"}
    if not authorised:
        params["denied"] = token.token
    if callback:
        return redirect(with_query(callback, params))
    outcome = "authorised" if authorised else "denied"
    return _page(TITLE, f"<h1>Done</h1><p>You {outcome} Locker. You can close this window.</p>")


def authorise(ctx: SandboxContext, req: Request, consumer_key: str) -> Response:
    if ctx.store.consumer_secret(consumer_key) is None:
        return _problem(f"No application is registered with the key {consumer_key!r}.")
    token = ctx.store.request_token(req.params.get("oauth_token", ""))
    if token is None or token.consumer_key != consumer_key:
        return _problem("This authorisation request is unknown or has expired. Please start again.")
    callback = req.params.get("oauth_callback") or token.callback
    if callback and urlsplit(callback).scheme.lower() not in ("http", "https"):
        return _problem("The application sent a callback address that is not http or https.")
    if req.method == "GET":
        auto = ctx.auto_approve_account()
        if auto is None:
            return _form(req)
        ctx.store.decide_request_token(token.token, auto.id, authorised=True)
        return _finish(token, callback, authorised=True)
    if req.form.get("action") == "deny":
        ctx.store.decide_request_token(token.token, None, authorised=False)
        return _finish(token, callback, authorised=False)
    email = req.form.get("email", "")
    account = ctx.store.check_password(email, req.form.get("password", ""))
    if account is None:
        return _form(req, "That email and password do not match a sandbox account.", email)
    ctx.store.decide_request_token(token.token, account.id, authorised=True)
    return _finish(token, callback, authorised=True)
