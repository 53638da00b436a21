from django.db import models


class StateEntry(models.Model):
    """One entry of the "state" cache (locker.state.cache.DatabaseStateCache)."""

    key = models.CharField(max_length=255, primary_key=True)
    value = models.BinaryField()  # pickled
    expires = models.DateTimeField(null=True, db_index=True)  # None: never

    class Meta:
        verbose_name_plural = "state entries"

    def __str__(self) -> str:
        return self.key


class Monitoring(models.Model):
    """No table: holds the permission to read /metrics (`locker_state.view_metrics`), which staff
    don't have just by being staff. Grant it to a user or group in the admin."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("view_metrics", "Can read /metrics")]
