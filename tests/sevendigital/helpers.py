"""Helpers the client's tests import: the sandbox accounts they use and an observer of attempts."""

from __future__ import annotations

DEMO = "demo@sandbox.test"
SMALL = "small@sandbox.test"
EMPTY = "empty@sandbox.test"


class Attempts(list):
    """Observer that records every HTTP attempt as (endpoint, status, seconds)."""

    def __call__(self, endpoint: str, status: int | None, seconds: float) -> None:
        self.append((endpoint, status, seconds))

    @property
    def statuses(self) -> list[int | None]:
        return [status for _, status, _ in self]
