"""Where a release card is shown, when it is not the locker page.

The locker's own partials (locker/_release.html, _track.html) render the locker page, the widget
and the support view. The page passes no `layout`; the others pass one of these, and the templates
ask what to show (`layout.staff`, `layout.compact`) rather than where they are. A surface's
decisions (what a track's state is, what it says) stay in the presenters: only the markup differs.
"""

from __future__ import annotations

from dataclasses import dataclass

WIDGET_LAYOUTS = ("compact", "full")


@dataclass(frozen=True, slots=True)
class CardLayout:
    name: str  # "compact" or "full" (the widget's), or "support"

    @property
    def widget(self) -> bool:
        """Inside the partner's iframe: its own routes, no cookies, links open in a new tab."""
        return self.name in WIDGET_LAYOUTS

    @property
    def compact(self) -> bool:
        """Small artwork, tracks folded behind a disclosure."""
        return self.name == "compact"

    @property
    def artwork_size(self) -> int:
        """CSS pixels of a release's artwork (the page's own is 120)."""
        return {"compact": 88, "full": 160, "support": 64}[self.name]

    @property
    def staff(self) -> bool:
        """Support's read-only view: the staff facts, and no control that acts as the customer."""
        return self.name == "support"


SUPPORT = CardLayout("support")
