"""Each petition, statistic and story page of the built sample names its own share graphic
(og:image with its size and alt, twitter:card summary_large_image); an editor's mistakes
in share: stop the build; an unchanged site redraws nothing, a changed title its own."""

from __future__ import annotations

import re

from PIL import Image

from .support import editor_site, run_build
from .test_sample_campaign import Tags

ROOT_URL = "http://127.0.0.1:8000/"


def shared(site, page: str) -> dict[str, str]:
    html = (site / page / "index.html").read_text(encoding="utf-8")
    tags = Tags(html).named("meta")
    return {a.get("property") or a.get("name"): a.get("content") for a in tags}


def test_every_petition_statistic_and_story_page_declares_its_own_share_graphic(sample_site):
    pages = ["petitions/protect-wic", "petitions/protect-wic/thanks",
             "petitions/paid-family-leave", "statistics/wic-coverage",
             "statistics/paid-leave-access", "statistics/wic-participation"]  # fmt: skip
    pages += [
        str(p.parent.relative_to(sample_site))
        for p in (sample_site / "stories").glob("20[0-9][0-9]/*/*/*/index.html")
    ]
    assert len(pages) == 12  # the six stories too
    images = set()
    for page in pages:
        meta = shared(sample_site, page)
        image = meta["og:image"].removeprefix(ROOT_URL)
        assert image.endswith("card.png") and "/share/" in image, page
        with Image.open(sample_site / image) as picture:
            assert picture.size == (int(meta["og:image:width"]), int(meta["og:image:height"]))
        assert picture.size == (1200, 630)
        assert meta["og:image:alt"] and meta["twitter:image:alt"] == meta["og:image:alt"]
        assert meta["twitter:card"] == "summary_large_image"
        assert meta["twitter:image"] == meta["og:image"]
        images.add(image)
    # Each its own, but a petition's thank-you page shares the petition's card.
    assert len(images) == len(pages) - 1
    thanks = shared(sample_site, "petitions/protect-wic/thanks")
    assert thanks["og:image"] == shared(sample_site, "petitions/protect-wic")["og:image"]
    about = shared(sample_site, "about")
    assert about["og:image"] == ROOT_URL + "assets/share.png"


def test_a_statistic_page_shares_its_first_charts_card_with_its_headline_number(sample_site):
    meta = shared(sample_site, "statistics/paid-leave-access")
    assert meta["og:image"].endswith("statistics/paid-leave-access/share/access-over-time-card.png")
    assert meta["og:image:alt"].startswith("27%: of private-industry workers")
    assert (
        sample_site / "statistics/paid-leave-access/share/access-by-wage-portrait.png"
    ).is_file()


STORY = """\
---
date: 2026-12-07
authors: [supporters]
description: A story from a parent in Ohio.
{extra}
---
# Three weeks unpaid

<p class="gs-story-by">Told by a parent in Ohio</p>

<p>We lived on credit cards. My mother's savings paid the rent.</p>
"""
AUTHORS = """\
authors:
  supporters:
    name: Supporters
    description: Supporters
    avatar: x.svg
"""


def story_site(tmp_path, extra: str, files: dict | None = None):
    pages = {"stories/index.md": "# Stories\n", "stories/.authors.yml": AUTHORS}
    pages["stories/posts/2026-12-07-story.md"] = STORY.format(extra=extra)
    return editor_site(tmp_path, {**pages, **(files or {})}, blog=True)


def test_an_editor_asks_for_a_photo_the_teller_did_not_consent_to(tmp_path):
    config = story_site(tmp_path, "share:\n  photo: 2026-12-07-story.jpg",
                        {"stories/posts/2026-12-07-story.jpg": "not really a photo"})  # fmt: skip
    result = run_build(config, tmp_path / "site")
    assert result.returncode != 0
    assert (
        "content/stories/posts/2026-12-07-story.md: share.photo: this story has no photo "
        "published with its teller's consent (supporter_story.image); remove share.photo "
        "or write false" in result.lines
    )


def test_an_editor_names_a_photo_that_does_not_exist(tmp_path):
    told = "supporter_story:\n  state: OH\n  image: 2026-12-07-story.jpg\n"
    config = story_site(tmp_path, told + "share:\n  photo: missing.jpg")
    result = run_build(config, tmp_path / "site")
    assert result.returncode != 0
    assert (
        "content/stories/posts/2026-12-07-story.md: share.photo: no file at missing.jpg "
        "(a path from this page's folder)" in result.lines
    )


def test_an_editor_points_a_storys_photo_outside_the_content_folder(tmp_path):
    """The photo a teller consented to is a file beside the story: a path that leaves
    content/ (or names nothing) stops the build, and nothing outside is drawn."""
    private = tmp_path / "private.png"
    Image.new("RGB", (40, 40), "red").save(private)
    for image, said in ((str(private), str(private)), ("../../../private.png", None),
                        ("missing.jpg", None)):  # fmt: skip
        told = f"supporter_story:\n  state: OH\n  image: {image}\n  consents: {{photo: {{}}}}\n"
        config = story_site(tmp_path, told)
        result = run_build(config, tmp_path / "site")
        assert result.returncode != 0, image
        assert (
            "content/stories/posts/2026-12-07-story.md: supporter_story.image: no file at "
            f"{said or image} (a path from this page's folder)" in result.lines
        ), result.output
        assert not list((tmp_path / "site").rglob("share/*.png"))


def test_an_editor_forgets_a_charts_headline_number(tmp_path):
    page = """\
---
charts:
  wic:
    data: wic.csv
    kind: line
    x: year
    y: people
    y_label: People
    title: WIC
    alt: A line.
---
# WIC
"""
    config = editor_site(tmp_path, {"stats.md": page, "wic.csv": "year,people\n2023,6.6\n"})
    result = run_build(config, tmp_path / "site")
    assert result.returncode != 0
    assert "content/stats.md: charts.wic.headline_number: required but missing" in result.lines


def test_a_supporters_story_names_them_only_with_the_name_consent(tmp_path):
    told = "supporter_story:\n  state: OH\n  teller: Rosa in Ohio\n  consents: {publish: {}}\n"
    config = story_site(tmp_path, told)
    result = run_build(config, tmp_path / "site")
    assert result.returncode == 0, result.output
    [page] = (tmp_path / "site" / "stories").glob("2026/12/07/*/index.html")
    alt = shared(tmp_path / "site", str(page.parent.relative_to(tmp_path / "site")))["og:image:alt"]
    assert "a parent in Ohio said" in alt and "Rosa" not in alt
    assert alt.startswith("“We lived on credit cards. My mother's savings paid the rent.”")


PETITION = """\
---
petition:
  slug: {slug}
  title: {title}
  ask: Fund it in full.
  goal: 1000
  target: U.S. Congress
---
# {title}
"""


def drawn_count(result) -> int:
    assert result.returncode == 0, result.output
    [count] = re.findall(r"share graphics: (\d+) drawn", result.output)
    return int(count)


def test_an_unchanged_site_redraws_nothing_and_a_new_title_only_its_own_cards(tmp_path):
    pages = {f"petitions/{slug}.md": PETITION.format(slug=slug, title=f"Fund {slug}")
             for slug in ("wic", "leave")}  # fmt: skip
    config = editor_site(tmp_path, pages)
    first = run_build(config, tmp_path / "one", cache=True, quiet=False)
    assert drawn_count(first) == 5  # the site's card, and each petition's card and portrait
    assert drawn_count(run_build(config, tmp_path / "two", cache=True, quiet=False)) == 0
    page = tmp_path / "content" / "petitions" / "wic.md"
    page.write_text(PETITION.format(slug="wic", title="Protect WIC"), encoding="utf-8")
    third = run_build(config, tmp_path / "three", cache=True, quiet=False)
    assert drawn_count(third) == 2
    leave = "petitions/leave/share/card.png"
    assert (tmp_path / "one" / leave).read_bytes() == (tmp_path / "three" / leave).read_bytes()


def test_share_graphics_off_leaves_every_page_the_sites_card(tmp_path):
    config = editor_site(tmp_path, {"petitions/wic.md": PETITION.format(slug="wic", title="W")})
    result = run_build(config, tmp_path / "site", share_graphics=False)
    assert result.returncode == 0, result.output
    assert not list((tmp_path / "site").rglob("share/*.png"))
    assert shared(tmp_path / "site", "petitions/wic")["og:image"] == ROOT_URL + "assets/share.png"


def test_a_warm_build_links_its_graphics_from_the_cache_and_a_rebuild_replaces_them(tmp_path):
    config = editor_site(tmp_path, {"petitions/wic.md": PETITION.format(slug="wic", title="W")})
    run_build(config, tmp_path / "cold", cache=True)
    warm = run_build(config, tmp_path / "warm", cache=True)
    assert warm.returncode == 0, warm.output
    card = tmp_path / "warm" / "petitions" / "wic" / "share" / "card.png"
    assert card.stat().st_nlink > 1  # shares the cache's file: no copy of the bytes
    assert card.read_bytes() == (tmp_path / "cold" / "petitions/wic/share/card.png").read_bytes()
    again = run_build(config, tmp_path / "warm", cache=True)  # over the linked files
    assert again.returncode == 0 and card.read_bytes().startswith(b"\x89PNG")
