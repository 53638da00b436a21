"""A Django cache backend in the database whose `add` and `incr` are atomic across processes.

Django's own DatabaseCache is not enough for shared state: its `add` of an expired key is a read
then an UPDATE (two workers can both "add" it), its `incr` is a get then a set (increments are
lost), and it counts the whole table on every write. Here:

- `add` deletes the key if it has expired, then INSERTs: the primary key lets exactly one of any
  number of concurrent callers in (PostgreSQL and SQLite alike);
- `incr` is a compare-and-swap UPDATE, retried when another worker got there first;
- expired rows are deleted now and then (about one write in a hundred), by the expiry index.

Used as CACHES["state"]; the table comes from this app's migration, so `migrate` creates it.
"""

from __future__ import annotations

import pickle
import random
from datetime import UTC, datetime

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

CULL_PROBABILITY = 0.01
INCR_ATTEMPTS = 50


def _entries():
    from locker.state.models import StateEntry

    return StateEntry.objects


def _live(now: datetime) -> Q:
    return Q(expires__isnull=True) | Q(expires__gt=now)


def _dump(value) -> bytes:
    return pickle.dumps(value, pickle.HIGHEST_PROTOCOL)


def _load(blob) -> object:
    return pickle.loads(bytes(blob))  # noqa: S301 (only this backend writes the table)


class DatabaseStateCache(BaseCache):
    def __init__(self, location, params) -> None:
        super().__init__(params)

    def _expires(self, timeout) -> datetime | None:
        moment = self.get_backend_timeout(timeout)
        return None if moment is None else datetime.fromtimestamp(moment, UTC)

    def _maybe_cull(self, now: datetime) -> None:
        if random.random() < CULL_PROBABILITY:  # noqa: S311 (not security)
            _entries().filter(expires__lte=now).delete()

    def get(self, key, default=None, version=None):
        key = self.make_and_validate_key(key, version=version)
        blob = _entries().filter(_live(timezone.now()), key=key).values_list("value", flat=True).first()
        return default if blob is None else _load(blob)

    def get_many(self, keys, version=None):
        wanted = {self.make_and_validate_key(k, version=version): k for k in keys}
        rows = _entries().filter(_live(timezone.now()), key__in=list(wanted)).values_list("key", "value")
        return {wanted[key]: _load(blob) for key, blob in rows}

    def has_key(self, key, version=None):
        key = self.make_and_validate_key(key, version=version)
        return _entries().filter(_live(timezone.now()), key=key).exists()

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        from locker.state.models import StateEntry

        key = self.make_and_validate_key(key, version=version)
        now = timezone.now()
        self._maybe_cull(now)
        _entries().bulk_create(
            [StateEntry(key=key, value=_dump(value), expires=self._expires(timeout))],
            update_conflicts=True,
            unique_fields=["key"],
            update_fields=["value", "expires"],
        )

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        now = timezone.now()
        self._maybe_cull(now)
        _entries().filter(key=key, expires__lte=now).delete()
        try:
            with transaction.atomic(using=_entries().db):
                _entries().create(key=key, value=_dump(value), expires=self._expires(timeout))
        except IntegrityError:
            return False
        return True

    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        for _ in range(INCR_ATTEMPTS):
            blob = _entries().filter(_live(timezone.now()), key=key).values_list("value", flat=True).first()
            if blob is None:
                raise ValueError(f"Key '{key}' not found")
            value = _load(blob) + delta
            if _entries().filter(key=key, value=bytes(blob)).update(value=_dump(value)):
                return value
        raise RuntimeError(f"incr of {key!r} lost {INCR_ATTEMPTS} races in a row")

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        updated = _entries().filter(_live(timezone.now()), key=key).update(expires=self._expires(timeout))
        return bool(updated)

    def delete(self, key, version=None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        deleted, _ = _entries().filter(key=key).delete()
        return bool(deleted)

    def delete_many(self, keys, version=None) -> None:
        names = [self.make_and_validate_key(k, version=version) for k in keys]
        _entries().filter(key__in=names).delete()

    def clear(self) -> None:
        _entries().all().delete()
