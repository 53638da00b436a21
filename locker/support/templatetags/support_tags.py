from __future__ import annotations

from django import template

from locker.presenters import TrackState

register = template.Library()

STATE_LABELS = {
    TrackState.DOWNLOADABLE: "Downloadable",
    TrackState.LAST_DOWNLOAD: "Last download left",
    TrackState.EXHAUSTED: "No downloads left",
    TrackState.UNAVAILABLE: "Withdrawn",
    TrackState.PREORDER: "Pre-order",
}


@register.filter
def state_label(state: TrackState) -> str:
    """Staff wording for a track state computed by the presenter."""
    return STATE_LABELS.get(state, str(state))
