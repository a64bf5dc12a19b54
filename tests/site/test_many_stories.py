"""A campaign with many stories: the fast build writes the same pages as the slow one."""

import json
import re
import sys

import pytest

from .support import ROOT, run_build

sys.path.insert(0, str(ROOT))
from bench.generate_stories import generate  # noqa: E402

STORIES = 45


@pytest.fixture(scope="module")
def many_stories(tmp_path_factory):
    """The sample campaign plus 45 stories, five to a list page so lists run to several pages."""
    folder = tmp_path_factory.mktemp("many")
    config = generate(STORIES, folder)
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("pagination_per_page: 20", "pagination_per_page: 5"))
    return config


def built_files(site):
    return {
        p.relative_to(site).as_posix(): p.read_bytes()
        for p in site.rglob("*")
        if p.is_file() and p.name != "petitions.json"  # it says when it was made
    }


def test_the_shortcuts_change_no_page(many_stories, tmp_path, monkeypatch):
    fast = run_build(many_stories, tmp_path / "fast", "--strict", cache=True)
    assert fast.returncode == 0, fast.output
    monkeypatch.setenv("GROUNDSWELL_SITE_SHORTCUTS", "off")
    slow = run_build(many_stories, tmp_path / "slow", "--strict", cache=True)
    assert slow.returncode == 0, slow.output
    fast_files, slow_files = built_files(fast.site), built_files(slow.site)
    assert fast_files.keys() == slow_files.keys()
    assert len([f for f in fast_files if f.startswith("stories/category/")]) > 3
    different = [name for name in fast_files if fast_files[name] != slow_files[name]]
    assert different == []


def test_a_reader_finds_a_story_by_its_summary_not_its_full_text(many_stories, tmp_path):
    build = run_build(many_stories, tmp_path / "site", cache=True)
    assert build.returncode == 0, build.output
    index = json.loads((build.site / "search" / "search_index.json").read_text(encoding="utf-8"))
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
