"""Create linked customers with ready sessions in the configured database (run by bench.stack).

    SEVENDIGITAL_TOKEN_SECRET=... python -m bench.prepare --users 10 --token demo-token

Prints JSON: {"users": [{"id", "email", "sessionid", "csrftoken"}, ...]}. Sessions are written
through the configured SESSION_ENGINE (the database).
"""

from __future__ import annotations

import argparse
import json
import os
import sys


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--token", required=True)
    parser.add_argument("--prefix", default="bench")
    args = parser.parse_args()

    import django

    django.setup()

    from importlib import import_module

    from allauth.account.models import EmailAddress
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.middleware.csrf import _get_new_csrf_string

    from locker.linking import link_with_token
    from locker.sevendigital.types import AccessToken

    token = AccessToken(args.token, os.environ["SEVENDIGITAL_TOKEN_SECRET"])
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    User = get_user_model()
    users = []
    for index in range(args.users):
        email = f"{args.prefix}-{index}@example.com"
        user, created = User.objects.get_or_create(
            username=f"{args.prefix}-{index}", defaults={"email": email}
        )
        if created:
            user.set_unusable_password()
            user.save()
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        link_with_token(user, token)
        session = store_class()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        users.append(
            {
                "id": user.pk,
                "email": email,
                "sessionid": session.session_key,
                "csrftoken": _get_new_csrf_string(),
            }
        )
    json.dump({"users": users}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
