from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, register
from django.core.exceptions import ValidationError

from locker.widget.origins import normalise_origin


@register()
def check_widget_settings(app_configs, **kwargs):
    errors = []
    for origin in settings.WIDGET_FRAME_ANCESTORS:
        try:
            normalise_origin(origin)
        except ValidationError as exc:
            errors.append(Error(f"WIDGET_FRAME_ANCESTORS: {exc.messages[0]}", id="widget.E001"))
    if settings.WIDGET_SESSION_SECONDS < settings.WIDGET_TOKEN_MAX_AGE:
        errors.append(Error("WIDGET_SESSION_SECONDS must be at least WIDGET_TOKEN_MAX_AGE", id="widget.E002"))
    return errors
