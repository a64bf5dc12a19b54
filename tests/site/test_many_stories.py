"""A campaign with many stories: the fast build writes the same pages as the slow one."""

import json
import re
import sys

import pytest

from campaign_site.material_internals import SHORTCUTS

from .support import ROOT, copy_sample, run_build

sys.path.insert(0, str(ROOT))
from bench.generate_stories import story

STORIES = 45


@pytest.fixture(scope="module")
def many_stories(tmp_path_factory):
    """The sample campaign plus 45 stories, five to a list page so lists run to several pages."""
    folder = tmp_path_factory.mktemp("many")
    config = copy_sample(folder)
    generated = folder / "content" / "stories" / "posts" / "generated"
    generated.mkdir()
    for n in range(STORIES):  # as bench/generate_stories.py writes them
        name, text = story(n)
        (generated / name).write_text(text, encoding="utf-8")
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("pagination_per_page: 20", "pagination_per_page: 5"))
    # Not in the menus, and as deep under stories/ as a story: its menus link like a
    # story's, but with no entry active, so the menu cache must tell the two apart.
    kit = folder / "content" / "stories" / "press" / "2026" / "autumn" / "kit.md"
    kit.parent.mkdir(parents=True)
    kit.write_text("# Press kit\n\nPhotos and quotes for reporters.\n", encoding="utf-8")
    return config


@pytest.fixture(scope="module")
def fast(many_stories, tmp_path_factory):
    """Built with the shortcuts, saying which it used."""
    site = tmp_path_factory.mktemp("fast") / "site"
    build = run_build(many_stories, site, "--strict", cache=True, quiet=False)
    assert build.returncode == 0, build.output
    return build


def built_files(site):
    return {
        p.relative_to(site).as_posix(): p.read_bytes()
        for p in site.rglob("*")
        if p.is_file() and p.name != "petitions.json"  # it says when it was made
    }


def shortcuts_used(build) -> dict[str, int] | str:
    """What the build reported: each shortcut and how often it was used, or why none was."""
    [said] = re.findall(r"campaign_site: build shortcuts (.*)", build.output)
    if not said.startswith("used: "):
        return said
    counts = (item.rsplit(" ", 1) for item in said.removeprefix("used: ").split(", "))
    return {name: int(count) for name, count in counts}


def assert_same_pages(fast, other):
    fast_files, other_files = built_files(fast.site), built_files(other.site)
    assert fast_files.keys() == other_files.keys()
    assert len([f for f in fast_files if f.startswith("stories/category/")]) > 3
    different = [name for name in fast_files if fast_files[name] != other_files[name]]
    assert different == []


def test_the_shortcuts_change_no_page(many_stories, fast, tmp_path):
    used = shortcuts_used(fast)
    assert list(used) == list(SHORTCUTS)
    assert all(count > 0 for count in used.values()), used
    slow = run_build(
        many_stories, tmp_path / "slow", "--strict", cache=True, quiet=False, shortcuts=False
    )
    assert slow.returncode == 0, slow.output
    assert shortcuts_used(slow) == "off (shortcuts: false)"
    assert_same_pages(fast, slow)


def test_an_untested_mkdocs_material_gets_the_same_pages_without_shortcuts(
    many_stories, fast, tmp_path
):
    untested = run_build(
        many_stories,
        tmp_path / "untested",
        "--strict",
        cache=True,
        quiet=False,
        material_version="9.99.0",
    )
    assert untested.returncode == 0, untested.output
    assert "WARNING: campaign_site: mkdocs-material 9.99.0 is not a version the build" in (
        untested.output
    )
    assert shortcuts_used(untested) == "off (mkdocs-material 9.99.0 is untested)"
    assert_same_pages(fast, untested)


def test_a_reader_finds_a_story_by_its_summary_not_its_full_text(fast):
    index = json.loads((fast.site / "search" / "search_index.json").read_text(encoding="utf-8"))
    docs = index["docs"]
    stories = [d for d in docs if re.match(r"stories/\d{4}/", d["location"])]
    assert len(stories) == STORIES + 6  # the generated ones and the sample's six
    story = next(d for d in stories if "number 7:" in d["title"])
    assert story["text"] == "<p>Story 7, Dmitri on why wic matters.</p>"
    assert story["tags"] and "#" not in story["location"]
    assert not any("nutrition advice from people" in d["text"] for d in docs)  # a story's body
    assert not any(d["location"].startswith("stories/tags/") for d in docs)
    petition = [d for d in docs if d["location"].startswith("petitions/paid-family-leave/")]
    assert sum(len(d["text"]) for d in petition) > 500  # other pages still in full
