"""The social team opens site/post-kit/ each evening and schedules tomorrow's posts:
the words to copy, the graphic to download, the link already tagged, and posts.csv
for the scheduling tool, with the same rows."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import yaml

from .support import editor_site, run_build

SITE_URL = "http://127.0.0.1:8000/"
VERSION = re.compile(
    r'<textarea id="[^"]+" readonly rows="\d+">([^<]*)</textarea>.*?'
    r'<input id="[^"]+" type="url" readonly value="([^"]*)">',
    re.S,
)
GRAPHIC = re.compile(r'<img src="([^"]+)"')


def declared_posts(content: Path) -> set[tuple]:
    """(date, network, text, post id, variant) for every post the sample's pages declare."""
    found = set()
    for page in content.rglob("*.md"):
        meta = yaml.safe_load(page.read_text(encoding="utf-8").split("---\n")[1])
        for post in meta.get("social") or []:
            network = post.get("network", "facebook")
            texts = post.get("variants") or [post["text"]]
            letters = "ab" if "variants" in post else [""]
            for letter, text in zip(letters, texts, strict=True):
                found.add((str(post["date"]), network, text, post["id"], letter))
    return found


def kit_csv(site: Path) -> list[dict]:
    raw = (site / "post-kit" / "posts.csv").read_bytes()
    assert b"\r\n" in raw and not raw.startswith(b"\xef\xbb\xbf")  # RFC 4180, no BOM
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8"), newline="")))


def day_pages(site: Path) -> dict[str, str]:
    index = (site / "post-kit" / "index.html").read_text(encoding="utf-8")
    days = re.findall(r'href="(\d{4}-\d\d-\d\d)/"', index)
    return {day: (site / "post-kit" / day / "index.html").read_text("utf-8") for day in days}


def shown_on_pages(site: Path) -> list[tuple[str, str, str, str]]:
    """(day, text, link, graphic's file in the site) for each version each day shows."""
    shown = []
    for day, page in day_pages(site).items():
        for block in page.split('<div class="gs-kit-post">')[1:]:
            graphic = GRAPHIC.search(block)
            folder = site / "post-kit" / day
            file = (folder / graphic.group(1)).resolve() if graphic else None
            for text, link in VERSION.findall(block):
                shown.append((day, html.unescape(text), html.unescape(link), file))
    return shown


def site_file(site: Path, url: str) -> Path:
    path = urlsplit(url).path.removeprefix(urlsplit(SITE_URL).path)
    return site / path / "index.html" if path.endswith("/") or not path else site / path


def test_the_social_team_downloads_tomorrows_posts(sample_site, sample_config):
    rows = kit_csv(sample_site)
    assert list(rows[0]) == ["date", "network", "text", "link", "image_url", "post_id", "variant"]
    listed = {(r["date"], r["network"], r["text"], r["post_id"], r["variant"]) for r in rows}
    assert listed == declared_posts(sample_config.parent / "content")
    for row in rows:
        query = dict(parse_qsl(urlsplit(row["link"]).query))
        utm_content = row["post_id"] + (f".{row['variant']}" if row["variant"] else "")
        assert list(query) == ["utm_source", "utm_medium", "utm_campaign", "utm_content"]
        assert (query["utm_source"], query["utm_medium"]) == (row["network"], "social")
        assert query["utm_content"] == utm_content
        assert site_file(sample_site, row["link"]).is_file(), row["link"]
        assert site_file(sample_site, row["image_url"]).is_file(), row["image_url"]
    campaigns = {r["post_id"]: dict(parse_qsl(urlsplit(r["link"]).query)) for r in rows}
    assert campaigns["wic-ask"]["utm_campaign"] == "protect-wic"  # the petition's own page
    assert campaigns["luis-story"]["utm_campaign"] == "paid-family-leave"  # named by the post
    # The pages show the same rows: each version's words, its link and its graphic.
    shown = shown_on_pages(sample_site)
    assert sorted((d, t, link) for d, t, link, _ in shown) == sorted(
        (r["date"], r["text"], r["link"]) for r in rows
    )
    images = {r["link"]: site_file(sample_site, r["image_url"]).resolve() for r in rows}
    assert all(images[link] == file for _, _, link, file in shown)


def test_the_post_kit_is_kept_out_of_menus_search_and_the_sitemap(sample_site):
    kit = sample_site / "post-kit"
    pages = [kit / "index.html", *kit.glob("*/index.html")]
    assert len(pages) == 6  # the index and five days
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert '<meta name="robots" content="noindex">' in text
        assert 'class="md-header"' in text  # the site's own theme
    others = [p for p in sample_site.rglob("*.html") if kit not in p.parents]
    assert others and not [p for p in others if "post-kit" in p.read_text(encoding="utf-8")]
    index = json.loads((sample_site / "search" / "search_index.json").read_text("utf-8"))
    assert [d["location"] for d in index["docs"] if "post-kit" in d["location"]] == []
    sitemap = (sample_site / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>" in sitemap and "post-kit" not in sitemap


PETITION = """\
---
petition:
  slug: wic
  title: Fund WIC
  ask: Fund WIC in full.
  goal: 1000
  target: U.S. Congress
  closes: 2026-11-03
social:
{posts}
---
# Fund WIC
"""


def build(tmp_path, pages, *options, **plugin_options):
    # Stories told elsewhere: a strict build is not stopped for want of a story page.
    plugin_options.setdefault("story_page", "https://stories.example.org/")
    config = editor_site(tmp_path, pages, options=plugin_options)
    return run_build(config, tmp_path / "site", *options)


def test_a_message_test_keeps_its_words_exact_in_the_csv(tmp_path):
    words = 'Sign, "please" — été, 日本語 too\nand share.'
    posts = (
        "  - id: test\n    date: 2026-11-02\n    graphic: card\n    variants:\n"
        f"      - {json.dumps(words)}\n      - Sign today."
    )
    result = build(tmp_path, {"petitions/wic.md": PETITION.format(posts=posts)}, "--strict")
    assert result.returncode == 0, result.output
    rows = kit_csv(result.site)
    assert [(r["text"], r["variant"]) for r in rows] == [(words, "a"), ("Sign today.", "b")]
    assert rows[0]["link"].endswith("utm_campaign=wic&utm_content=test.a")
    assert [t for _, t, _, _ in shown_on_pages(result.site)] == [words, "Sign today."]


def test_a_site_whose_pages_declare_no_posts_has_no_kit(tmp_path):
    result = build(tmp_path, {"about.md": "# About\n"}, "--strict")
    assert result.returncode == 0, result.output
    assert not (result.site / "post-kit").exists()


def test_a_post_from_a_page_with_no_petition_counts_under_the_sites_name(tmp_path):
    about = "---\nsocial:\n  - id: hello\n    date: 2026-11-02\n    text: Meet us.\n---\n# About\n"
    result = build(tmp_path, {"about.md": about}, "--strict")
    assert result.returncode == 0, result.output
    [row] = kit_csv(result.site)
    assert "utm_campaign=fixture-campaign&utm_content=hello" in row["link"]
    assert row["image_url"] == ""


def test_the_build_warns_of_a_post_to_a_closed_petition_and_long_text(tmp_path):
    long_text = "WIC " * 40
    posts = (
        "  - id: late\n    date: 2026-11-04\n    text: Sign now.\n"
        f"  - id: long\n    date: 2026-11-02\n    text: {long_text}\n"
    )
    pages = {"petitions/wic.md": PETITION.format(posts=posts)}
    result = build(tmp_path, pages)
    assert result.returncode == 0, result.output
    assert (
        "WARNING: campaign_site: content/petitions/wic.md: social.late: goes out on "
        "2026-11-04, after petition 'wic' closes (2026-11-03): its link leads to a closed "
        "petition" in result.lines
    )
    assert (
        "WARNING: campaign_site: content/petitions/wic.md: social.long.text: 159 characters; "
        'Facebook shows about 110 before "See more"' in result.lines
    )
    assert build(tmp_path, pages, "--strict").returncode != 0


def test_the_build_warns_of_a_campaign_day_with_nothing_to_post(tmp_path):
    posts = "  - id: monday\n    date: 2026-11-02\n    text: Sign now.\n"
    pages = {"petitions/wic.md": PETITION.format(posts=posts).replace("2026-11-03", "2026-12-01")}
    days = {"campaign_first_day": "2026-11-01", "campaign_last_day": "2026-11-04"}
    result = build(tmp_path, pages, **days)
    assert result.returncode == 0, result.output
    assert (
        "WARNING: campaign_site: post kit: no post on 2026-11-01, 2026-11-03, 2026-11-04 "
        "(the campaign runs from campaign_first_day 2026-11-01 to campaign_last_day 2026-11-04)"
        in result.lines
    )
    assert build(tmp_path, pages, "--strict", **days).returncode != 0
    # No campaign days given: no such warning.
    assert build(tmp_path, pages, "--strict").returncode == 0
    half = build(tmp_path, pages, campaign_first_day="2026-11-01")
    assert half.returncode != 0
    assert "campaign_first_day and campaign_last_day go together" in half.output


def test_an_editor_sees_every_mistake_in_the_posts_in_one_run(tmp_path):
    posts = "\n".join([
        "  - id: twice\n    date: 2026-11-02\n    text: Sign.",
        "  - id: both\n    date: 2026-11-02\n    text: Sign.\n    variants: [A, B]",
        "  - id: none\n    date: 2026-11-02",
        "  - id: tall\n    date: 2026-11-02\n    text: Sign.\n    graphic: vertical",
        "  - id: sum\n    date: 2026-11-02\n    text: '=1+1'",
        "  - id: tweet\n    date: 2026-11-02\n    network: x\n    text: " + "a" * 257,
        "  - id: where\n    date: 2026-11-02\n    network: myspace\n    text: Sign.",
        "  - id: Bad Id\n    date: someday\n    text: Sign.",
        "  - id: elsewhere\n    date: 2026-11-02\n    text: Sign.\n    petition: nope",
        "  - id: plus\n    date: 2026-11-02\n    variants: ['+1 for WIC', '@Senator fund it', '-']",
        "  - id: blank\n    date: 2026-11-02\n    text: ' '",
        "  - id: alone\n    date: 2026-11-02\n    variants: [Only one]",
        "  - id: kanji\n    date: 2026-11-02\n    network: x\n    text: " + "日" * 129,
    ])  # fmt: skip
    charts = "\n".join(
        f"  {name}:\n    data: data.csv\n    kind: bar\n    x: year\n    y: n\n"
        f"    y_label: People\n    title: {name}\n    alt: {name}"
        for name in ("one", "two")
    )
    statistic = (
        f"---\ncharts:\n{charts}\nsocial:\n  - id: which\n    date: 2026-11-02\n"
        "    text: See.\n    graphic: card\n  - id: twice\n    date: 2026-11-03\n    text: Again.\n"
        "---\n# Numbers\n"
    )
    pages = {
        "petitions/wic.md": PETITION.format(posts=posts),
        "numbers.md": statistic,
        "data.csv": "year,n\n2024,1\n2025,2\n",
    }
    result = build(tmp_path, pages)
    assert result.returncode != 0
    wic = "content/petitions/wic.md: social."
    for line in [
        f"{wic}both.text: give text or variants (a message test), not both",
        f"{wic}none.text: required but missing (or variants: for a message test)",
        f"{wic}tall.graphic: 'vertical' is not a graphic of this page (it has: card, portrait)",
        f"{wic}sum.text: starts with '=', which a spreadsheet opening posts.csv runs as a "
        "formula: start with a word",
        f"{wic}tweet.text: 281 characters with its link as 23; X takes at most 280",
        f"{wic}where.network: Expected one of: ('facebook', 'instagram', 'linkedin', 'x') "
        "but received: 'myspace'",
        f"{wic}Bad Id.id: expected lower-case letters, digits and hyphens, got 'Bad Id'",
        f"{wic}Bad Id.date: expected a date like 2026-09-01, got 'someday'",
        f"{wic}elsewhere.petition: no petition 'nope' is declared (declared: wic)",
        *(
            f"{wic}plus.variants.{letter}: starts with {mark!r}, which a spreadsheet opening "
            "posts.csv runs as a formula: start with a word"
            for letter, mark in zip("abc", "+@-", strict=True)
        ),
        f"{wic}blank.text: empty: write the post's words",
        f"{wic}alone.variants: a message test has 2 to 26 variants (one is text:)",
        # X counts Chinese, Japanese and Korean characters as two each.
        f"{wic}kanji.text: 282 characters with its link as 23; X takes at most 280",
        "content/numbers.md: social.which.chart: which chart? none is a chart of this page "
        "(one, two)",
        "content/petitions/wic.md: social.twice.id: 'twice' is already a post in "
        "content/numbers.md",
    ]:
        assert line in result.lines, result.output
