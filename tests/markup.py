"""Reading pages as a browser would: elements by tag and attributes, and the text they show.

Tests ask for an element by what it is (`element(html, "ul", class_="errorlist")`) rather than
match regexes over markup, so that attribute order, white space or a wrapping element never breaks
them. Django's own parser (assertContains(html=True)) folds the spaces between inline elements,
so this keeps a page's text as written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# Elements a browser lays out apart from their neighbours: their text never runs into the next one's.
BLOCKS = {
    "article", "br", "dd", "details", "div", "dl", "dt", "fieldset", "footer", "form", "h1", "h2", "h3",
    "h4", "h5", "h6", "header", "li", "main", "nav", "ol", "option", "p", "section", "summary", "table",
    "td", "th", "tr", "ul",
}  # fmt: skip


@dataclass
class Element:
    name: str
    attributes: dict[str, str | None]
    children: list[Element | str] = field(default_factory=list)

    def __str__(self) -> str:
        return text(self)


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.open = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Element(tag, dict(attrs))
        self.open[-1].children.append(node)
        if tag not in VOID:
            self.open.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.open[-1].children.append(Element(tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.open) - 1, 0, -1):
            if self.open[depth].name == tag:
                del self.open[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.open[-1].children.append(data)


@lru_cache(maxsize=16)  # tests ask one page for several elements: it is read once (never change it)
def parse(html: str) -> Element:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def elements(html: str | Element, tag: str, **attrs: str) -> list[Element]:
    """The `tag` elements (any element for "*") within `html` carrying `attrs`, in page order. A
    `class_` value is one of the element's classes; in other attribute names `_` stands for `-`."""
    wanted = {name.rstrip("_").replace("_", "-"): value for name, value in attrs.items()}
    found = []

    def walk(node: Element) -> None:
        for child in node.children:
            if isinstance(child, Element):
                if tag in ("*", child.name) and _has(child, wanted):
                    found.append(child)
                walk(child)

    walk(parse(html) if isinstance(html, str) else html)
    return found


def element(html: str | Element, tag: str, **attrs: str) -> Element:
    """The one `tag` element carrying `attrs` (see `elements`)."""
    found = elements(html, tag, **attrs)
    assert len(found) == 1, f"{len(found)} <{tag}> elements with {attrs}"
    return found[0]


def attribute(node: Element, name: str) -> str | None:
    return node.attributes.get(name)


def classes(node: Element) -> set[str]:
    return set((node.attributes.get("class") or "").split())


def text(node: Element | str) -> str:
    """What the element shows as text, white space folded as a browser folds it."""

    def raw(part: Element | str) -> str:
        if isinstance(part, str):
            return part
        inner = "".join(raw(child) for child in part.children)
        return f" {inner} " if part.name in BLOCKS else inner

    return " ".join(raw(node).split())


def _has(node: Element, wanted: dict[str, str]) -> bool:
    for name, value in wanted.items():
        have = node.attributes.get(name)
        if name == "class" and value in (have or "").split():
            continue
        if have != value:
            return False
    return True
