"""The widget's look, from query parameters: layout, theme and colours.

Parsed leniently (a bad value falls back to the default) and never echoed raw: colours must be
3- or 6-digit hex and come back as canonical `#rrggbb`. Text colours are derived from the
background so that they keep WCAG AA contrast whatever colours a partner picks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlencode

from locker.preferences import offered_language

LAYOUTS = ("compact", "full")
THEMES = ("auto", "light", "dark")
_HEX = re.compile(r"#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})")

# The widget's own palettes (static/css/widget.css uses the same values).
LIGHT = {"text": "#1b1b1f", "muted": "#55565e"}
DARK = {"text": "#ececf1", "muted": "#b4b5bf"}


def parse_hex(raw) -> str:
    """`#rrggbb` for a valid 3/6-digit hex colour (with or without `#`), else ""."""
    match = _HEX.fullmatch(str(raw or "").strip())
    if not match:
        return ""
    digits = match.group(1).lower()
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return f"#{digits}"


def luminance(colour: str) -> float:
    """WCAG relative luminance of `#rrggbb`."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def readable_on(background: str) -> str:
    """Black or white, whichever contrasts more with the background (always at least 4.58:1)."""
    return "#000000" if contrast("#000000", background) >= contrast("#ffffff", background) else "#ffffff"


@dataclass(frozen=True, slots=True)
class WidgetOptions:
    layout: str = "compact"
    theme: str = "auto"
    accent: str = ""  # "#rrggbb" or "" for the default
    background: str = ""
    lang: str = ""  # the partner's `lang` (docs/widget.md), when Locker offers that language

    @classmethod
    def from_params(cls, params) -> WidgetOptions:
        layout, theme = params.get("layout", ""), params.get("theme", "")
        return cls(
            layout=layout if layout in LAYOUTS else "compact",
            theme=theme if theme in THEMES else "auto",
            accent=parse_hex(params.get("accent")),
            background=parse_hex(params.get("bg")),
            lang=offered_language(params.get("lang")),
        )

    def params(self) -> dict[str, str]:
        """The non-default options as query parameters (for links and the embed snippet)."""
        values = {
            "layout": self.layout,
            "theme": self.theme,
            "accent": self.accent[1:],
            "bg": self.background[1:],
            "lang": self.lang,
        }
        defaults = {"layout": "compact", "theme": "auto", "accent": "", "bg": "", "lang": ""}
        return {k: v for k, v in values.items() if v != defaults[k]}

    def querystring(self) -> str:
        return urlencode(self.params())

    @property
    def scheme(self) -> str:
        """light, dark or auto (follow the visitor's system). A custom background decides it."""
        if self.background:
            return "light" if readable_on(self.background) == "#000000" else "dark"
        return self.theme

    @property
    def css_variables(self) -> list[tuple[str, str]]:
        """Custom properties overriding widget.css; every value is a canonical hex colour."""
        variables = []
        if self.accent:
            variables += [("--accent", self.accent), ("--accent-text", readable_on(self.accent))]
        if self.background:
            palette = LIGHT if self.scheme == "light" else DARK
            bg = self.background
            text = palette["text"] if contrast(palette["text"], bg) >= 7 else readable_on(bg)
            muted = palette["muted"] if contrast(palette["muted"], bg) >= 4.5 else text
            variables += [("--bg", bg), ("--surface", bg), ("--text", text), ("--muted", muted)]
        return variables
