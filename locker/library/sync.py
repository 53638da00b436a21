"""Mirror a customer's 7digital locker into the index, one sync per customer at a time.

A sync reads every page (50 releases, newest purchases first) through the client, keeps them
aside, then replaces the customer's rows in one transaction: a page never shows half an index,
and releases or tracks 7digital no longer lists (refunds, removals) go. A refresh first reads the
newest page only and stops there when it matches the index.

One at a time: a sync runs only while it holds the customer's lease (`SyncState.lease_owner`
until `lease_until`), taken and renewed by conditional UPDATEs that work alike on SQLite and
PostgreSQL, whatever the number of workers or duplicate tasks. A killed worker's lease expires
and the next request starts again. The commit re-checks the lease and the link in the same
transaction, so an unlink (which deletes the state row first, see `forget`) or a relink to another
account in between voids the sync instead of bringing the index back.
"""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from locker import locker_cache
from locker.crypto import TokenDecryptionError
from locker.library import convert, search
from locker.library.models import IndexedRelease, IndexedTrack, RenderedCard, SyncState
from locker.models import SevenDigitalLink
from locker.sevendigital import client as sevendigital
from locker.sevendigital.errors import RelinkNeeded, SevenDigitalError
from locker.sevendigital.types import DEFAULT_SORT, MAX_PAGE_SIZE, LockerPage, LockerRelease

logger = logging.getLogger(__name__)

PAGE_SIZE = MAX_PAGE_SIZE
LEASE_SECONDS = 60  # renewed after every page; a page takes at most the client's timeouts
MAX_ATTEMPTS = 6  # upstream failures in a row before a sync waits for the next request
PENDING_SECONDS = 3600
RETRY_BASE_SECONDS = 5
WAITING_SECONDS = 10  # a queued sync no worker took after this long: the page says it is waiting
RECHECK_SECONDS = 30  # after a download, when the background re-check of its track runs  # doubled for each upstream failure in a row  # a queued sync this old is presumed lost and may be queued again
Status = SyncState.Status


class Abandoned(Exception):
    """The lease was lost or the link changed: this sync's work must not become visible."""


def state(user_id: int) -> SyncState | None:
    return SyncState.objects.filter(user_id=user_id).first()


def busy(current: SyncState, now=None) -> bool:
    """A sync is running (its lease alive) or queued recently: asking again adds nothing."""
    now = now or timezone.now()
    if current.status == Status.RUNNING:
        return not current.lease_expired(now)  # an expired one: its worker died
    if current.status == Status.PENDING and current.requested_at is not None:
        return now - current.requested_at <= timedelta(seconds=PENDING_SECONDS)
    return False


def stale(current: SyncState, now=None) -> bool:
    """Never synced, or the last complete sync (or failed attempt) is older than LOCKER_SYNC_SECONDS."""
    now = now or timezone.now()
    last = current.synced_at if current.status == Status.READY else current.finished_at
    return last is None or now - last > timedelta(seconds=settings.LOCKER_SYNC_SECONDS)


def request_sync(user_id: int, *, full: bool = False, force: bool = False) -> bool:
    """Queue a sync of this customer unless one is queued or running already (or, without
    `force`, the index is recent). True if queued.

    The task row is written in the caller's transaction (django-tasks-db), so it exists exactly
    when what asked for it (a new link, say) was committed.
    """
    from locker.library.tasks import sync_locker

    now = timezone.now()
    with transaction.atomic():
        current, _ = SyncState.objects.get_or_create(user_id=user_id)
        if busy(current, now) or not (force or stale(current, now)):
            return False
        claimed = SyncState.objects.filter(
            pk=current.pk, status=current.status, requested_at=current.requested_at
        ).update(status=Status.PENDING, requested_at=now, attempts=0)
        if not claimed:
            return False  # another request queued one just now
        sync_locker.enqueue(user_id, full=full)
    return True


def run(user_id: int, *, full: bool = False, attempt: int = 0) -> str:
    """One sync attempt; answers what happened (for the task result and the logs)."""
    owner = uuid.uuid4().hex
    started = timezone.now()
    if not _acquire(user_id, owner, started):
        return "busy"
    try:
        link = SevenDigitalLink.objects.filter(user_id=user_id).first()
        if link is None:
            raise Abandoned("unlinked")
        if link.needs_relink:
            _finish(user_id, owner, Status.FAILED, "The 7digital link needs renewing.")
            return "relink"
        outcome = _sync(user_id, owner, link, started, full=full)
    except Abandoned as exc:
        logger.info("locker sync of user %s abandoned: %s", user_id, exc)
        return "abandoned"
    except (RelinkNeeded, TokenDecryptionError) as exc:
        logger.info("locker sync of user %s: the 7digital link needs relinking", user_id)
        assert link is not None  # raised by _sync, after the link was read
        link.mark_needs_relink(str(exc) or type(exc).__name__)
        _finish(user_id, owner, Status.FAILED, "The 7digital link needs renewing.")
        return "relink"
    except SevenDigitalError as exc:
        logger.warning("locker sync of user %s failed: %s %s", user_id, type(exc).__name__, exc.message)
        return _retry_later(user_id, owner, full, attempt, exc)
    except BaseException:
        _finish(user_id, owner, Status.FAILED, "The index could not be updated.")
        raise
    return outcome


def _sync(user_id: int, owner: str, link: SevenDigitalLink, started, *, full: bool) -> str:
    token = link.get_token()
    first = _fetch(token, 1)
    pages = max(1, -(-first.total_items // PAGE_SIZE))
    _progress(user_id, owner, 1, pages)
    current = SyncState.objects.get(user_id=user_id)
    if not full and current.synced_at is not None and _unchanged(user_id, first):
        _finish(user_id, owner, Status.READY, synced=True)
        return "unchanged"
    items: dict[int, tuple[int, LockerRelease]] = {}
    _collect(items, first)
    page = 1
    while page < pages and len(first.releases) == PAGE_SIZE:
        page += 1
        answer = _fetch(token, page)
        _collect(items, answer)
        _progress(user_id, owner, page, pages)
        if len(answer.releases) < PAGE_SIZE:
            break
    _commit(user_id, owner, link, started, [item for _, item in sorted(items.values(), key=lambda p: p[0])])
    return "synced"


def _fetch(token, page: int) -> LockerPage:
    return sevendigital.get_locker(token, page=page, page_size=PAGE_SIZE, sort=DEFAULT_SORT)


def _collect(items: dict[int, tuple[int, LockerRelease]], page: LockerPage) -> None:
    # A purchase made during the sync shifts the listing down: a release may show up twice.
    for item in page.releases:
        items.setdefault(item.release.id, (len(items), item))


def _unchanged(user_id: int, first: LockerPage) -> bool:
    """True when the newest page and the release count match the index (one cheap call)."""
    if IndexedRelease.objects.filter(user_id=user_id).count() != first.total_items:
        return False
    stored = list(
        IndexedRelease.objects.filter(user_id=user_id)
        .order_by("upstream_position")
        .prefetch_related("tracks")[: len(first.releases)]
    )
    indexed = [convert.to_locker_release(row, row.tracks.all()) for row in stored]
    return indexed == [convert.canonical(item) for item in first.releases]


def _commit(user_id: int, owner: str, link: SevenDigitalLink, started, items: list[LockerRelease]) -> None:
    now = timezone.now()
    with transaction.atomic():
        # First statement: locks the state row, which `forget` (unlink) deletes first.
        if not SyncState.objects.filter(user_id=user_id, lease_owner=owner).update(
            status=Status.READY,
            pages_done=F("pages_total"),
            finished_at=now,
            synced_at=now,
            last_error="",
            attempts=0,
            generation=F("generation") + 1,
            lease_owner="",
            lease_until=None,
        ):
            raise Abandoned("lease lost")
        if not SevenDigitalLink.objects.filter(
            pk=link.pk, user_id=user_id, sevendigital_user_id=link.sevendigital_user_id, needs_relink=False
        ).exists():
            raise Abandoned("link changed")
        rechecked = _rechecked_since(user_id, started)
        IndexedRelease.objects.filter(user_id=user_id).delete()
        releases = [convert.release_row(user_id, item, n) for n, item in enumerate(items)]
        tracks = []
        for item, row in zip(items, releases, strict=True):
            rows = convert.track_rows(user_id, item, row)
            for track in rows:
                newer = rechecked.get((item.release.id, track.track_id))
                if newer:
                    for name, value in newer.items():
                        setattr(track, name, value)
            convert.summarise(row, rows)
            tracks += rows
        IndexedRelease.objects.bulk_create(releases, batch_size=500)
        IndexedTrack.objects.bulk_create(tracks, batch_size=500)
        search.reindex(user_id)
        locker_cache.invalidate(user_id)  # the fast page lookups (page_html.py); again once committed
        transaction.on_commit(
            lambda: locker_cache.invalidate(user_id)
        )  # the search rows commit with the index they describe
        transaction.on_commit(lambda: _queue_card_render(user_id))


def _queue_card_render(user_id: int) -> None:
    from locker.library.tasks import render_cards

    render_cards.enqueue(user_id)


def _rechecked_since(user_id: int, started) -> dict[tuple[int, int], dict]:
    """Tracks a download re-checked after this sync began: their answer is newer than ours."""
    rows = IndexedTrack.objects.filter(user_id=user_id, checked_at__gte=started).select_related("release")
    fields = (
        "remaining_downloads",
        "purchase_id",
        "purchase_date",
        "complete_album_purchase",
        "download_urls",
    )
    return {
        (row.release.release_id, row.track_id): {
            **{name: getattr(row, name) for name in fields},
            "checked_at": row.checked_at,
        }
        for row in rows
    }


def apply_fresh(user_id: int, item: LockerRelease) -> bool:
    """Write a download's fresh re-check of a track (a filtered answer) into the index.

    Returns False when the release isn't indexed yet (a new purchase): a refresh then brings it.
    """
    now = timezone.now()
    with transaction.atomic():
        release = IndexedRelease.objects.filter(user_id=user_id, release_id=item.release.id).first()
        if release is None:
            return False
        if release.available != item.available:
            IndexedRelease.objects.filter(pk=release.pk).update(available=item.available)
        for locker_track in item.tracks:
            IndexedTrack.objects.filter(release=release, track_id=locker_track.track.id).update(
                checked_at=now, **convert.track_state_fields(locker_track)
            )
        release.available = item.available
        convert.summarise(release, release.tracks.all())
        release.save(update_fields=["card_digest", "track_states", "formats"])
        _new_generation(user_id)
    return True


def touch(user_id: int) -> None:
    """Something a page shows besides the index changed (a download's history, a hidden release):
    a new cache version."""
    _new_generation(user_id)


def _new_generation(user_id: int) -> None:
    """Pages are cached per index generation (locker/page_html.py), and their fast lookups per the
    cache's own per-customer generation: both move on, the cache's again once committed."""
    SyncState.objects.filter(user_id=user_id).update(generation=F("generation") + 1)
    locker_cache.invalidate(user_id)
    transaction.on_commit(lambda: locker_cache.invalidate(user_id))


def after_download(user_id: int, release_id: int, track_id: int) -> None:
    """A download was handed out: 7digital counts it once the file is fetched, after our
    re-check. Show the history now, and re-check the track again shortly in the background
    (with JavaScript the row re-checks itself at once, see page_content.fresh_row)."""
    from locker.library.tasks import recheck_track

    touch(user_id)
    if SyncState.objects.filter(user_id=user_id, synced_at__isnull=False).exists():
        later = timezone.now() + timedelta(seconds=RECHECK_SECONDS)
        recheck_track.using(run_after=later).enqueue(user_id, release_id, track_id)


def recheck(user_id: int, release_id: int, track_id: int) -> str:
    from locker.downloads import TrackRefused, find_track

    link = SevenDigitalLink.objects.filter(user_id=user_id).first()
    if link is None or link.needs_relink:
        return "unlinked"
    try:
        found = find_track(link, release_id, track_id)
    except TrackRefused as refusal:
        return f"refused: {refusal.status}"
    return "updated" if apply_fresh(user_id, found.item) else "not indexed"


def forget(user_id: int) -> None:
    """Delete the customer's index (on unlink). The state row goes first: a sync committing at the
    same moment either finished before (and is deleted here) or finds its lease gone."""
    SyncState.objects.filter(user_id=user_id).delete()
    IndexedRelease.objects.filter(user_id=user_id).delete()
    RenderedCard.objects.filter(user_id=user_id).delete()
    search.forget(user_id)


def _acquire(user_id: int, owner: str, now) -> bool:
    until = now + timedelta(seconds=LEASE_SECONDS)
    free = SyncState.objects.filter(user_id=user_id).exclude(lease_until__gt=now)
    return bool(
        free.update(
            lease_owner=owner,
            lease_until=until,
            status=Status.RUNNING,
            started_at=now,
            pages_done=0,
            pages_total=None,
        )
    )


def _progress(user_id: int, owner: str, done: int, total: int) -> None:
    """Record the pages read so far and renew the lease; Abandoned if it was lost."""
    until = timezone.now() + timedelta(seconds=LEASE_SECONDS)
    if not SyncState.objects.filter(user_id=user_id, lease_owner=owner).update(
        pages_done=done, pages_total=total, lease_until=until
    ):
        raise Abandoned("lease lost")


def _finish(user_id: int, owner: str, status: str, error: str = "", *, synced: bool = False) -> None:
    now = timezone.now()
    changes = {
        "status": status,
        "finished_at": now,
        "last_error": error[:300],
        "lease_owner": "",
        "lease_until": None,
    }
    if synced:
        changes |= {"synced_at": now, "attempts": 0, "pages_done": F("pages_total")}
    SyncState.objects.filter(user_id=user_id, lease_owner=owner).update(**changes)
    locker_cache.invalidate(user_id)  # pages keep the state they read until the cache moves on


def _retry_later(user_id: int, owner: str, full: bool, attempt: int, exc: SevenDigitalError) -> str:
    """Upstream trouble: give the lease back and queue the next attempt after a backoff that is
    never shorter than the circuit breaker's pause."""
    from locker.library.tasks import sync_locker

    message = "7digital could not be reached; indexing will try again shortly."
    if attempt + 1 >= MAX_ATTEMPTS:
        _finish(user_id, owner, Status.FAILED, message)
        return "failed"
    delay = max(settings.SEVENDIGITAL_BREAKER_SECONDS, RETRY_BASE_SECONDS * 2**attempt)
    with transaction.atomic():
        if not SyncState.objects.filter(user_id=user_id, lease_owner=owner).update(
            status=Status.PENDING,
            requested_at=timezone.now(),
            attempts=attempt + 1,
            last_error=message,
            lease_owner="",
            lease_until=None,
        ):
            return "abandoned"
        sync_locker.using(run_after=timezone.now() + timedelta(seconds=delay)).enqueue(
            user_id, full=full, attempt=attempt + 1
        )
    return "retrying"
