"""One full sync of a customer's locker, timed (run by bench.index_bench in the app's environment).

    python -m bench.index_sync --user-id 3

Prints JSON: {"outcome", "wall_ms", "upstream_ms", "upstream_calls", "releases", "tracks",
"cards", "cards_ms"}; upstream figures are what our client measured around its calls to 7digital;
the cards are the task the sync queues (every release card rendered once), run here as the worker
would run it.
"""

from __future__ import annotations

import argparse
import json
import sys
import time


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--user-id", type=int, required=True)
    args = parser.parse_args()

    import django

    django.setup()

    from locker import metrics, release_cards
    from locker.library import sync
    from locker.library.models import IndexedRelease, IndexedTrack

    tally = metrics.begin_request()
    started = time.perf_counter()
    outcome = sync.run(args.user_id, full=True)
    wall = time.perf_counter() - started
    metrics.end_request(tally)
    started = time.perf_counter()
    cards = release_cards.prerender(args.user_id)
    cards_ms = (time.perf_counter() - started) * 1000
    json.dump(
        {
            "outcome": outcome,
            "wall_ms": wall * 1000,
            "upstream_ms": tally.seconds * 1000,
            "upstream_calls": tally.calls,
            "releases": IndexedRelease.objects.filter(user_id=args.user_id).count(),
            "tracks": IndexedTrack.objects.filter(user_id=args.user_id).count(),
            "cards": cards,
            "cards_ms": cards_ms,
        },
        sys.stdout,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
