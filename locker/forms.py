from __future__ import annotations

from django import forms


class TrackForm(forms.Form):
    """Ids posted by a play or download button. Anything but positive integers is refused."""

    release = forms.IntegerField(min_value=1, max_value=2**53)
    track = forms.IntegerField(min_value=1, max_value=2**53)


class DownloadForm(TrackForm):
    format = forms.IntegerField(min_value=1, max_value=2**31 - 1)
