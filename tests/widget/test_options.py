"""Theme parameters: hex only, canonical output, and text that stays readable on any colour."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.http import QueryDict
from hypothesis import given
from hypothesis import strategies as st

from locker.widget.options import WidgetOptions, contrast, parse_hex

hex6 = st.integers(0, 0xFFFFFF).map(lambda n: f"{n:06x}")


@pytest.mark.parametrize(
    ("raw", "colour"),
    [
        ("e4007c", "#e4007c"),
        ("#E4007C", "#e4007c"),
        ("f0c", "#ff00cc"),
        ("#ABC", "#aabbcc"),
        (" 123456 ", "#123456"),
    ],
)
def test_hex_colours_are_canonicalised(raw, colour):
    assert parse_hex(raw) == colour


@pytest.mark.parametrize(
    "raw", ["", None, "red", "#12", "#1234", "12345", "1234567", "#ggg", "##fff", "fff;", "url(x)", "０００"]
)
def test_anything_else_means_the_default(raw):
    assert parse_hex(raw) == ""


def test_options_fall_back_to_defaults():
    options = WidgetOptions.from_params({"layout": "grid", "theme": "sepia", "accent": "blue", "bg": "#12"})
    assert options == WidgetOptions()
    assert options.css_variables == [] and options.querystring() == ""


def test_only_non_default_options_travel_in_links():
    options = WidgetOptions.from_params({"layout": "full", "theme": "auto", "accent": "#E4007C"})
    assert options.querystring() == "layout=full&accent=e4007c"


@given(accent=hex6, background=hex6)
def test_custom_colours_keep_text_readable(accent, background):
    options = WidgetOptions.from_params({"accent": accent, "bg": background})
    variables = dict(options.css_variables)
    assert contrast(variables["--accent"], variables["--accent-text"]) >= 4.5
    assert contrast(variables["--text"], variables["--bg"]) >= 4.5
    assert contrast(variables["--muted"], variables["--bg"]) >= 4.5
    assert options.scheme in ("light", "dark")


COLOUR_FORMAT = "hex colour of 3 or 6 digits, with or without `#` (`%23` in an address), e.g. `accent=e4007c`"


@pytest.mark.django_db
def test_the_docs_and_the_embed_page_state_the_colour_format_the_code_accepts(client):
    docs = (Path(settings.BASE_DIR) / "docs" / "widget.md").read_text()
    assert f"| `accent` | {COLOUR_FORMAT}; anything else is ignored |" in docs
    assert "| `bg` | background colour, in the same format as `accent`;" in docs
    page = " ".join(client.get("/widget/").content.decode().split())
    assert (
        "<td><code>accent</code>, <code>bg</code></td><td>hex colours of 3 or 6 digits, with or without "
        "<code>#</code> (<code>%23</code> in an address), e.g. <code>accent=e4007c</code>; anything else is ignored"
    ) in page
    # Each form the words allow is accepted, through the query string as a partner writes it.
    for query in ("accent=e4007c", "accent=%23e4007c", "accent=e07", "accent=%23e07"):
        assert WidgetOptions.from_params(QueryDict(query)).accent in {"#e4007c", "#ee0077"}
    assert WidgetOptions.from_params(QueryDict("accent=e4007")).accent == ""
