"""The locker index: one customer's whole 7digital locker, mirrored by background syncs.

Nothing here is secret: download URLs are stored unsigned (they are signed with the customer's
token only on a click). Rows of a customer are replaced as a whole by each committed sync, so a
page never shows half an index; `SyncState.generation` counts those commits (the cache version).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy


class SyncState(models.Model):
    """How far a customer's index is: one row per customer, also the one-sync-at-a-time lease."""

    class Status(models.TextChoices):
        PENDING = "pending", gettext_lazy("Waiting for a worker")
        RUNNING = "running", gettext_lazy("Indexing")
        READY = "ready", gettext_lazy("Up to date")
        FAILED = "failed", gettext_lazy("Failed")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="locker_index"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    pages_done = models.PositiveIntegerField(default=0)
    pages_total = models.PositiveIntegerField(null=True, blank=True)
    requested_at = models.DateTimeField(null=True, blank=True)  # last enqueue
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    synced_at = models.DateTimeField(null=True, blank=True, db_index=True)  # last complete sync
    last_error = models.CharField(max_length=300, blank=True)
    attempts = models.PositiveIntegerField(default=0)  # failed attempts in a row
    generation = models.PositiveBigIntegerField(default=0)
    # The lease: whoever holds an unexpired one is the only sync of this customer.
    lease_owner = models.CharField(max_length=64, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    # The link a sync was started for: an unlink (or relink) in between makes its result void.
    link_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = "locker index state"

    def __str__(self) -> str:
        return f"{self.user} index {self.status}"

    @property
    def indexed(self) -> bool:
        """True once a complete sync has been committed: pages then come from the index."""
        return self.synced_at is not None

    def lease_expired(self, now=None) -> bool:
        return self.lease_until is None or self.lease_until <= (now or timezone.now())


class IndexedRelease(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="indexed_releases"
    )
    release_id = models.BigIntegerField()
    title = models.CharField(max_length=500)
    version = models.CharField(max_length=500, blank=True)
    type = models.CharField(max_length=50, blank=True)
    artist_id = models.BigIntegerField(null=True, blank=True)
    artist_name = models.CharField(max_length=500, blank=True)
    artist_appears_as = models.CharField(max_length=500, blank=True)
    label_id = models.BigIntegerField(null=True, blank=True)
    label_name = models.CharField(max_length=500, blank=True)
    licensor_id = models.BigIntegerField(null=True, blank=True)
    licensor_name = models.CharField(max_length=500, blank=True)
    image = models.CharField(max_length=1000, blank=True)
    barcode = models.CharField(max_length=50, blank=True)
    slug = models.CharField(max_length=500, blank=True)
    release_date = models.DateTimeField(null=True, blank=True)
    available = models.BooleanField(default=True)
    purchase_date = models.DateTimeField(null=True, blank=True)  # newest of its tracks
    complete_album = models.BooleanField(default=False)
    upstream_position = models.PositiveIntegerField()  # order in 7digital's newest-first listing
    sort_artist = models.CharField(max_length=500, blank=True)
    sort_title = models.CharField(max_length=500, blank=True)
    # A digest of everything its card is drawn from (the release and its tracks, as the client's
    # types); written with the rows, so a page finds its cached cards without reading the tracks.
    card_digest = models.CharField(max_length=32, blank=True)
    # What the filters and their counts read, written with the tracks (convert.summarise): the
    # states its tracks are in as if released (bits: convert.STATE_BITS; a pre-order's usable
    # tracks count as pre-order until its release date) and the formats they offer {id: name}.
    track_states = models.PositiveSmallIntegerField(default=0)
    formats = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "release_id"], name="library_release_unique")]
        indexes = [
            models.Index(fields=["user", "upstream_position"]),
            models.Index(fields=["user", "sort_artist"]),
            models.Index(fields=["user", "sort_title"]),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.release_id})"


class IndexedTrack(models.Model):
    release = models.ForeignKey(IndexedRelease, on_delete=models.CASCADE, related_name="tracks")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="indexed_tracks"
    )
    track_id = models.BigIntegerField()
    title = models.CharField(max_length=500)
    version = models.CharField(max_length=500, blank=True)
    artist_id = models.BigIntegerField(null=True, blank=True)
    artist_name = models.CharField(max_length=500, blank=True)
    artist_appears_as = models.CharField(max_length=500, blank=True)
    disc = models.PositiveIntegerField(default=1)
    number = models.PositiveIntegerField(null=True, blank=True)
    track_number = models.PositiveIntegerField(null=True, blank=True)
    duration = models.PositiveIntegerField(null=True, blank=True)
    isrc = models.CharField(max_length=20, blank=True, db_index=True)
    remaining_downloads = models.IntegerField(null=True, blank=True)
    purchase_id = models.BigIntegerField(null=True, blank=True)
    purchase_date = models.DateTimeField(null=True, blank=True)
    complete_album_purchase = models.BooleanField(null=True, blank=True)
    download_urls = models.JSONField(default=list, blank=True)  # [{"url", "format_id", "description"}]
    position = models.PositiveIntegerField()  # order within the release, as 7digital lists it
    # When a download's fresh re-check last wrote this row: a sync that fetched its page earlier
    # keeps this newer answer.
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # The release row is per customer, so this is unique per (user, release, track).
            models.UniqueConstraint(fields=["release", "track_id"], name="library_track_unique")
        ]
        indexes = [models.Index(fields=["user", "track_id"])]
        ordering = ["release", "position"]

    def __str__(self) -> str:
        return f"{self.title} ({self.track_id})"


class HiddenRelease(models.Model):
    """A release the customer chose to hide. Ours alone (7digital knows nothing of it): syncs
    never touch these rows."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="hidden_releases"
    )
    release_id = models.BigIntegerField()
    hidden_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "release_id"], name="library_hidden_unique")]

    def __str__(self) -> str:
        return f"{self.user} hides {self.release_id}"


class RenderedCard(models.Model):
    """A release card's HTML, rendered by the worker after a sync for the customer's language and
    time zone, where every web process can read it (without Redis each has its own cache).
    `key` is the card's cache key (locker/release_cards.py), made of what the card shows."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64)
    html = models.BinaryField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="library_card_unique")]

    def __str__(self) -> str:
        return self.key
