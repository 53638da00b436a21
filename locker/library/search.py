"""Search over the index (owner: helper "search"; this is the trivial placeholder the page path
calls until it lands): `apply(releases, query) -> (releases, matched_track_ids or None)`."""

from __future__ import annotations


def apply(releases, query):
    return releases, None
