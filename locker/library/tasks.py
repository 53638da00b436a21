"""The index's background tasks (Django's Tasks framework; the worker is django-tasks-db's
`manage.py db_worker`). Each is a thin wrapper: the work and its rules live in `sync.py`."""

from __future__ import annotations

from django.tasks import task

from locker.library import sync


@task
def sync_locker(user_id: int, full: bool = False, attempt: int = 0) -> str:
    """Mirror one customer's locker (a refresh stops after the newest page when it matches)."""
    return sync.run(user_id, full=full, attempt=attempt)


@task
def recheck_track(user_id: int, release_id: int, track_id: int) -> str:
    """One track read again from 7digital after a download, written into the index."""
    return sync.recheck(user_id, release_id, track_id)


@task
def render_cards(user_id: int) -> int:
    """Every release card of the customer's index rendered once, where web processes find it."""
    from locker import release_cards

    return release_cards.prerender(user_id)
