"""A supporter who wants to share a petition, a chart or a story finds, under it, the
pictures to download (each the size it says), a post to copy and plain share links."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from PIL import Image

from campaign_site.sharefiles import FORMATS, FORMATS_OF, LABELS

from .support import editor_site, run_build
from .test_every_page_shares_its_own_picture import shared

CHANNELS = ["facebook", "whatsapp", "x", "email"]
SITE_URL = "http://127.0.0.1:8000/"


class ShareBoxes(HTMLParser):
    """Each "Share this" box on a page: its heading, downloads, post, links and alt."""

    def __init__(self, html: str):
        super().__init__()
        self.boxes: list[dict] = []
        self.depth = 0
        self.text_of: str | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "div" and "data-gs-share" in attrs:
            self.depth = 1
            self.boxes.append({"downloads": [], "links": [], "post": "", "heading": ""})
            return
        if not self.depth:
            return
        box = self.boxes[-1]
        self.depth += tag == "div"
        if tag == "a" and "download" in attrs:
            box["downloads"].append({**attrs, "text": ""})
            self.text_of = "download"
        elif tag == "a" and "data-gs-network" in attrs:
            box["links"].append(attrs)
        elif tag == "textarea":
            self.text_of = "post"
        elif tag.startswith("h") and tag[1:].isdigit():
            self.text_of = "heading"
        elif tag == "img":
            box["alt"] = attrs.get("alt")
        elif tag == "input" and "data-gs-share-url" in attrs:
            box["link"] = attrs["value"]

    def handle_endtag(self, tag):
        if self.depth and tag == "div":
            self.depth -= 1
        if tag in ("a", "textarea") or (tag.startswith("h") and tag[1:].isdigit()):
            self.text_of = None

    def handle_data(self, data):
        if not (self.depth and self.text_of):
            return
        box = self.boxes[-1]
        if self.text_of == "download":
            box["downloads"][-1]["text"] += data
        else:
            box[self.text_of] += data


def boxes(site: Path, page: str) -> list[dict]:
    return ShareBoxes((site / page / "index.html").read_text(encoding="utf-8")).boxes


def check_box(site: Path, page: str, box: dict, kind: str, address: str, where: str) -> None:
    """The box offers ``kind``'s formats, each file there at its size, the post with the
    page's tagged link, and the four networks and the link, all leading to ``address``."""
    assert [d["text"].split(": ", 1)[1].removesuffix(" (PNG)") for d in box["downloads"]] == [
        LABELS[fmt] for fmt in FORMATS_OF[kind]
    ]
    for fmt, download in zip(FORMATS_OF[kind], box["downloads"], strict=True):
        file = site / urlsplit(urljoin(f"/{page}", download["href"])).path.lstrip("/")
        with Image.open(file) as picture:
            assert (picture.format, picture.size) == ("PNG", FORMATS[fmt]), file
        assert download["download"].endswith(f"-{fmt}.png")
    assert box["alt"].strip()
    tagged = f"utm_source=link&utm_medium=share&utm_content={where}"
    assert box["link"].startswith(f"{address.split('#')[0]}?{tagged}")
    assert box["link"].endswith(address.partition("#")[1] + address.partition("#")[2])
    assert box["post"].strip().endswith(box["link"])
    assert [link["data-gs-network"] for link in box["links"]] == CHANNELS
    for link in box["links"]:
        shared = unquote(link["href"]).replace("+", " ")
        assert f"utm_source={link['data-gs-network']}&utm_medium=share" in shared
        assert f"utm_content={where}" in shared and address.split("#")[0] in shared
        assert ("target" in link) == (link["data-gs-network"] != "email")


@pytest.mark.parametrize("slug", ["protect-wic", "paid-family-leave"])
def test_a_petition_offers_its_pictures_before_signing_and_after(sample_site, slug):
    page = f"petitions/{slug}/"
    panel, before = boxes(sample_site, page)  # the panel waits in a <template>
    assert before["heading"] == "Share this petition"
    assert panel["heading"] == "Ask your friends to sign"
    address = SITE_URL + page
    check_box(sample_site, page, before, "petition", address, "petition-page")
    check_box(sample_site, page, panel, "petition", address, "thank-you-panel")
    manifest = json.loads((sample_site / "petitions.json").read_text(encoding="utf-8"))
    petition = next(p for p in manifest["petitions"] if p["slug"] == slug)
    assert before["post"].startswith(f"{petition['ask']}\n\nSign: ")
    (thanks,) = boxes(sample_site, f"{page}thanks/")
    check_box(sample_site, f"{page}thanks/", thanks, "petition", address, "thank-you-page")
    # The words to paste as alt text are the ones the card's own tag gives.
    alt = shared(sample_site, page)["og:image:alt"]
    assert before["alt"] == panel["alt"] == thanks["alt"] == petition["share"]["alt"] == alt


def charts_of(config: Path) -> dict[str, list[str]]:
    """Each statistics page's chart ids, from its front matter."""
    import yaml

    found = {}
    for path in sorted((config.parent / "content" / "statistics").glob("*.md")):
        meta = yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])
        if meta.get("charts"):
            found[f"statistics/{path.stem}/"] = list(meta["charts"])
    return found


def headline_numbers(config: Path) -> dict[str, str]:
    """Each chart's headline_number, by chart id, from the statistics pages."""
    import yaml

    found = {}
    for path in sorted((config.parent / "content" / "statistics").glob("*.md")):
        meta = yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])
        for chart_id, chart in (meta.get("charts") or {}).items():
            found[chart_id] = chart["headline_number"]
    return found


def test_every_chart_has_a_box_leading_back_to_it(sample_site, sample_config):
    pages = charts_of(sample_config)
    assert sum(len(ids) for ids in pages.values()) >= 4
    for page, chart_ids in pages.items():
        found = boxes(sample_site, page)
        assert [box["heading"] for box in found] == ["Share this chart"] * len(chart_ids)
        html = (sample_site / page / "index.html").read_text(encoding="utf-8")
        for chart_id, box in zip(chart_ids, found, strict=True):
            # Under its own figure: after it, before the next chart's.
            assert html.index(f'id="chart-{chart_id}"') < html.index(f"gs-share-chart-{chart_id}")
            address = f"{SITE_URL}{page}#chart-{chart_id}"
            check_box(sample_site, page, box, "statistic", address, f"chart-{chart_id}")
            assert all(f"-{chart_id}-" in d["download"] for d in box["downloads"])
            # Led by its headline number, as its graphic is.
            assert box["post"].startswith(headline_numbers(sample_config)[chart_id])
            assert " Source: " in box["post"]
        assert found[0]["alt"] == shared(sample_site, page)["og:image:alt"]  # its first chart's


def test_every_story_ends_with_a_box(sample_site):
    pages = sorted(
        str(index.parent.relative_to(sample_site)) + "/"
        for index in (sample_site / "stories").glob("20*/*/*/*/index.html")
    )
    assert len(pages) >= 6
    for page in pages:
        (box,) = boxes(sample_site, page)
        assert box["heading"] == "Share this story"
        check_box(sample_site, page, box, "story", SITE_URL + page, "story-page")
        assert box["alt"] == shared(sample_site, page)["og:image:alt"]


def test_the_manifest_tells_the_api_what_the_confirmed_page_offers(sample_site):
    manifest = json.loads((sample_site / "petitions.json").read_text(encoding="utf-8"))
    for petition in manifest["petitions"]:
        share = petition["share"]
        assert share["text"] == petition["ask"] and share["alt"].startswith(petition["title"])
        assert [g["format"] for g in share["graphics"]] == list(FORMATS_OF["petition"])
        for graphic in share["graphics"]:
            assert (graphic["width"], graphic["height"]) == FORMATS[graphic["format"]]
            assert graphic["label"] == LABELS[graphic["format"]]
            with Image.open(sample_site / graphic["url"].lstrip("/")) as picture:
                assert picture.size == FORMATS[graphic["format"]]


PETITION = """\
---
title: Fund it
share:
  text: WIC feeds 6 million people. Ask Congress to fund it in full.
petition:
  slug: fund-it
  title: Fund it
  ask: Fund WIC in full.
  goal: 100
  target: Congress
---
Why.
"""


def test_an_editor_words_the_suggested_post(tmp_path):
    pages = {"petitions/fund-it.md": PETITION, "privacy.md": "# Privacy\n"}
    build = run_build(editor_site(tmp_path, pages), tmp_path / "site")
    assert build.returncode == 0, build.output
    _, before = boxes(build.site, "petitions/fund-it/")
    words = "WIC feeds 6 million people. Ask Congress to fund it in full."
    assert before["post"].startswith(f"{words}\n\nSign: {SITE_URL}petitions/fund-it/?")
    manifest = json.loads((build.site / "petitions.json").read_text(encoding="utf-8"))
    assert manifest["petitions"][0]["share"]["text"] == words


def test_a_misspelt_share_key_is_an_error_naming_the_file(tmp_path):
    page = PETITION.replace("  text:", "  txet:")
    build = run_build(editor_site(tmp_path, {"petitions/fund-it.md": page}), tmp_path / "site")
    assert build.returncode != 0
    allowed = "alt, headline, photo, quote, text"
    expected = f"content/petitions/fund-it.md: share.txet: unknown key (allowed: {allowed})"
    assert expected in build.output


def test_a_story_by_dandre_is_shared_with_his_name_as_he_wrote_it(tmp_path):
    """The API writes a story's description as HTML (publishing.py escapes it for the
    theme's meta tag); the suggested post, the share links and the pictures' words are
    plain text, and say D'Andre, not D&#x27;Andre."""
    from .test_every_page_shares_its_own_picture import story_site

    told = "supporter_story:\n  state: OH\n  teller: D'Andre in Ohio\n"
    config = story_site(tmp_path, told)
    page = config.parent / "content/stories/posts/2026-12-07-story.md"
    text = page.read_text(encoding="utf-8").replace(
        "description: A story from a parent in Ohio.",
        'description: "A story from D&#x27;Andre in Ohio."',
    )
    page.write_text(text, encoding="utf-8")
    build = run_build(config, tmp_path / "site")
    assert build.returncode == 0, build.output
    [built] = (build.site / "stories").glob("2026/12/07/*/index.html")
    [box] = boxes(build.site, str(built.parent.relative_to(build.site)))
    assert box["post"].startswith("A story from D'Andre in Ohio.\n\n")
    assert "&#" not in box["alt"] and "mother's savings" in box["alt"]  # the picture's words
    for link in box["links"]:
        assert "&#" not in unquote(link["href"]), link["data-gs-network"]


def test_with_share_graphics_off_no_box_offers_a_picture_the_site_lacks(sample_config, tmp_path):
    """``share_graphics: false`` draws none, so nothing offers one: not a box, not the
    API's confirmed page (the manifest), not the post kit (which says so, once)."""
    result = run_build(sample_config, tmp_path / "site", share_graphics=False)
    site = result.site
    assert result.returncode == 0, result.output
    warnings = [line for line in result.lines if "WARNING" in line]
    assert len(warnings) == 1, result.output  # no link to a missing picture anywhere
    assert "post kit:" in warnings[0] and "share_graphics is false" in warnings[0]
    for index in site.rglob("index.html"):
        for box in ShareBoxes(index.read_text(encoding="utf-8")).boxes:
            assert box["downloads"] == [], index
            assert [link["data-gs-network"] for link in box["links"]] == CHANNELS
    manifest = json.loads((site / "petitions.json").read_text(encoding="utf-8"))
    assert all(petition["share"]["graphics"] == [] for petition in manifest["petitions"])
    kit = (site / "post-kit" / "posts.csv").read_text(encoding="utf-8")
    assert "share/" not in kit and ".png" not in kit
