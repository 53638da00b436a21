"""Noting which purchases appear in a customer's locker, so support can search by purchase id.

Purchase ids exist only in 7digital's locker answers, so every page that arrives from 7digital
(the customer's own locker page through `loader.locker_fetched`, and support lookups) is noted
here: a read per page and a write only for new or changed purchases, never an extra call to 7digital.
"""

from __future__ import annotations

import logging

from django.db import DatabaseError, transaction

from locker.sevendigital.types import LockerPage
from locker.support.models import SeenPurchase

logger = logging.getLogger(__name__)


def record_purchases(user, page: LockerPage) -> int:
    """Note the page's tracks; only new or changed rows are written (most pages change nothing)."""
    rows = {
        (item.release.id, t.track.id): SeenPurchase(
            user=user,
            release_id=item.release.id,
            track_id=t.track.id,
            purchase_id=t.purchase_id or None,
            purchase_date=t.purchase_date,
        )
        for item in page.releases
        for t in item.tracks
    }
    if not rows:
        return 0
    known = {
        (release_id, track_id): (purchase_id, purchase_date)
        for release_id, track_id, purchase_id, purchase_date in SeenPurchase.objects.filter(
            user=user, track_id__in=[track_id for _, track_id in rows]
        ).values_list("release_id", "track_id", "purchase_id", "purchase_date")
    }
    changed = [row for key, row in rows.items() if known.get(key) != (row.purchase_id, row.purchase_date)]
    if changed:
        with transaction.atomic():  # a savepoint: a failure here never poisons the caller's transaction
            SeenPurchase.objects.bulk_create(
                changed,
                update_conflicts=True,
                unique_fields=["user", "release_id", "track_id"],
                update_fields=["purchase_id", "purchase_date"],
            )
    return len(changed)


def _on_locker_fetched(sender, link, page: LockerPage, **kwargs) -> None:
    try:
        record_purchases(link.user, page)
    except DatabaseError:  # the customer's page matters more than our search index
        logger.warning("could not note the purchases of user %s", link.user_id, exc_info=True)


def connect() -> None:
    from locker.loader import locker_fetched

    locker_fetched.connect(_on_locker_fetched, dispatch_uid="support.record_purchases")
