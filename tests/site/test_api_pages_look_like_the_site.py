"""An editor's palette reaches the API's own pages: the build publishes the site's look."""

import json

import pytest

from campaign_site import look


def test_the_sample_build_publishes_its_name_colours_and_story_page(sample_site):
    manifest = json.loads((sample_site / "petitions.json").read_text(encoding="utf-8"))
    assert manifest["site"] == {
        "name": "Families First",
        "colors": {"primary": "#4051b5", "on_primary": "#ffffff", "accent": "#ff6e42",
                   "link": "#4051b5"},
        "story_url": "/stories/tell/",
    }  # fmt: skip


@pytest.mark.parametrize("primary", sorted(look.PRIMARY))
def test_every_named_palette_gives_links_that_read_on_white(primary):
    colors = look.palette_colors({"primary": primary, "accent": "deep orange"})
    assert colors["primary"] == look.PRIMARY[primary][0]
    assert colors["accent"] == "#ff6e42"
    assert look.contrast(look.rgb(colors["link"]), (255, 255, 255)) >= 4.5


def test_a_palette_with_a_toggle_takes_its_first_scheme_and_a_custom_one_publishes_none():
    toggle = [{"scheme": "default", "primary": "teal"}, {"scheme": "slate", "primary": "red"}]
    assert look.palette_colors(toggle)["primary"] == "#009485"
    assert look.palette_colors(None)["primary"] == "#4051b5"  # the theme's default, indigo
    assert look.palette_colors({"primary": "custom"}) is None
