"""Permissions-Policy header: Django has settings for HSTS, CSP, referrer and COOP, but not this one.

`PERMISSIONS_POLICY` maps a feature to its allow-list: `[]` disables it everywhere, `["self"]`
allows our own origin, an origin string allows that origin. A view may set its own header first.
"""

from __future__ import annotations

from django.conf import settings


def build_header(policy: dict[str, list[str]]) -> str:
    parts = []
    for feature, allow in policy.items():
        tokens = " ".join(a if a in ("self", "*") else f'"{a}"' for a in allow)
        parts.append(f"{feature}=({tokens})" if tokens != "*" else f"{feature}=*")
    return ", ".join(parts)


class PermissionsPolicyMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response
        self.header = build_header(getattr(settings, "PERMISSIONS_POLICY", {}) or {})

    def __call__(self, request):
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response
