from __future__ import annotations

from typing import TYPE_CHECKING

from django import template
from django.utils.translation import gettext_lazy

from locker.presenters import TrackState

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

register = template.Library()

STATE_LABELS = {
    TrackState.DOWNLOADABLE: gettext_lazy("Downloadable"),
    TrackState.LAST_DOWNLOAD: gettext_lazy("Last download left"),
    TrackState.EXHAUSTED: gettext_lazy("No downloads left"),
    TrackState.UNAVAILABLE: gettext_lazy("Withdrawn"),
    TrackState.PREORDER: gettext_lazy("Pre-order"),
}


@register.filter
def state_label(state: TrackState) -> StrOrPromise:
    """Staff wording for a track state computed by the presenter."""
    return STATE_LABELS.get(state, str(state))
