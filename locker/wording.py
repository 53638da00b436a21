"""What customers read about a track's state and about a refused download or play, in one place.

A row's explanation and the refusal of a click on it say the same thing in the same words, so both
read from here (presenters.py for rows, downloads.py and track_views.py for refusals, loader.py
and page_content.py for the page's notices, the account page for the relink notice).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy, ngettext

# Each state of a track (presenters.TrackState's values), as its row explains it and as a refused
# download of it says it.
STATE_MESSAGES = {
    "exhausted": gettext_lazy("You have used all downloads of this track. You can still play it here."),
    "last_download": gettext_lazy("This is your last download of this track: keep the file somewhere safe."),
    "unavailable": gettext_lazy("This track is no longer available to download or play."),
    "preorder": gettext_lazy("Pre-order: you can download and play this once it is released."),
}
WITHDRAWN = gettext_lazy(
    "This release has been withdrawn from the 7digital catalogue, so its tracks can no "
    "longer be downloaded or played."
)
PREORDER_FROM = gettext_lazy("Pre-order: available from %(date)s.")

# The link to 7digital is marked for relinking: the page's notice, the account page and every
# refused download or play say it alike.
RELINK = gettext_lazy(
    "Your 7digital account needs to be linked again. Until then downloads and plays are paused; "
    "your purchases are safe."
)

UPSTREAM_QUIET = gettext_lazy("7digital isn't answering right now.")
DOWNLOADS_PAUSED = gettext_lazy(
    "Downloads are paused while we can't reach 7digital. Please try again shortly."
)

# Refusals of a download (or a play) before anything was signed.
NOT_IN_LOCKER = gettext_lazy("This track is not in your locker.")
NOT_IN_FORMAT = gettext_lazy("This track is not offered in that format.")
CHECK_TIMED_OUT = gettext_lazy(
    "We couldn't reach 7digital to check this track: it is taking too long to answer. "
    "Nothing was downloaded; please try again."
)
CHECK_FAILED = gettext_lazy(
    "We couldn't reach 7digital to check this track. Nothing was downloaded; please try again."
)
HOST_REFUSED = gettext_lazy("This download can't be started right now. Please contact support.")
MEDIA_HOST_REFUSED = gettext_lazy(
    "7digital's download server refused that download, so it didn't start. "
    "The track's current state is shown below."
)


# A search result found through some of its tracks (locker/search_cards.py).
def matching_tracks(count: int) -> str:
    return ngettext("%(count)s matching track", "%(count)s matching tracks", count) % {"count": count}


def more_tracks(count: int) -> str:
    return ngettext(
        "%(count)s more track on this release", "%(count)s more tracks on this release", count
    ) % {"count": count}
