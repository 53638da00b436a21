"""Encryption at rest for 7digital access tokens (MultiFernet, keys from TOKEN_ENCRYPTION_KEYS)."""

from __future__ import annotations

import json
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

from locker.sevendigital.types import AccessToken


class TokenDecryptionError(Exception):
    """No configured key can decrypt the stored token (keys rotated away, or data corrupted)."""


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.TOKEN_ENCRYPTION_KEYS))


def encrypt_token(token: AccessToken) -> str:
    payload = json.dumps({"k": token.key, "s": token.secret}).encode()
    return fernet().encrypt(payload).decode()


def decrypt_token(ciphertext: str) -> AccessToken:
    try:
        data = json.loads(fernet().decrypt(ciphertext.encode()))
    except (InvalidToken, ValueError) as exc:
        raise TokenDecryptionError("stored 7digital token cannot be decrypted") from exc
    return AccessToken(key=data["k"], secret=data["s"])


def rotate(ciphertext: str) -> str:
    """Re-encrypt with the first (newest) key; raises TokenDecryptionError if no key fits."""
    try:
        return fernet().rotate(ciphertext.encode()).decode()
    except InvalidToken as exc:
        raise TokenDecryptionError("stored 7digital token cannot be decrypted") from exc
