"""Theme parameters: hex only, canonical output, and text that stays readable on any colour."""

from __future__ import annotations

import pytest
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
