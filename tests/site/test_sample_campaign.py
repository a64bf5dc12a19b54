"""The sample campaign as staff, supporters and the petition API meet it."""

import json
import re
from html.parser import HTMLParser
from xml.etree import ElementTree

from .support import editor_site, run_build

FORM_FIELDS = {
    "first_name", "last_name", "email", "city", "state", "zip", "district",
    "comment", "email_updates", "website", "form_token", "utm_source", "utm_medium",
    "utm_campaign", "utm_content", "variant", "page",
}  # fmt: skip


class Tags(HTMLParser):
    """Every start tag with its attributes, in order."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def named(self, tag: str) -> list[dict]:
        return [attrs for name, attrs in self.tags if name == tag]


def page(site, path: str) -> str:
    return (site / path / "index.html").read_text(encoding="utf-8")


def test_the_api_loads_the_petitions_the_site_declares(sample_site):
    manifest = json.loads((sample_site / "petitions.json").read_text(encoding="utf-8"))
    assert manifest["format"] == 1
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", manifest["generated_at"])
    slugs = [p["slug"] for p in manifest["petitions"]]
    assert slugs == ["paid-family-leave", "protect-wic"]
    leave = manifest["petitions"][0]
    assert set(leave) == {
        "slug", "title", "ask", "goal", "target", "opens", "closes", "page", "thanks_page",
        "email_updates_consent", "comment_share_consent", "share", "variants",
    }  # fmt: skip
    assert leave["variants"] == []  # the sample's variants are protect-wic's
    assert (leave["goal"], leave["target"]) == (100000, "U.S. Congress")
    assert (leave["opens"], leave["closes"]) == ("2026-09-01", "2027-03-31")
    assert manifest["petitions"][1]["closes"] is None
    for petition in manifest["petitions"]:
        assert (sample_site / petition["page"].strip("/") / "index.html").is_file()
        thanks = page(sample_site, petition["thanks_page"].strip("/"))
        assert "Check your email to confirm" in thanks


def test_a_supporter_without_javascript_gets_a_complete_form(sample_site):
    tags = Tags(page(sample_site, "petitions/paid-family-leave"))
    [form] = [a for a in tags.named("form") if "data-gs-petition" in a]
    assert form["method"] == "post"
    assert form["action"] == "/api/petitions/paid-family-leave/signatures"
    fields = {
        a["name"]: a
        for a in tags.named("input") + tags.named("select") + tags.named("textarea")
        if "name" in a
    }
    assert set(fields) >= FORM_FIELDS
    # The campaign does nothing with a street address, and its privacy notice says so.
    assert "street" not in fields
    notice = " ".join(page(sample_site, "privacy").split())
    assert "Our petition form does not ask for your street address" in notice
    labelled = {a["for"] for a in tags.named("label")}
    for name in (
        "first_name",
        "last_name",
        "email",
        "city",
        "state",
        "zip",
        "comment",
        "email_updates",
    ):
        assert fields[name]["id"] in labelled, name
    assert fields["email"]["autocomplete"] == "email"
    assert fields["zip"]["autocomplete"] == "postal-code"
    assert fields["email_updates"]["value"] == "y" and "checked" not in fields["email_updates"]
    honeypot = fields["website"]
    assert (honeypot["tabindex"], honeypot["autocomplete"]) == ("-1", "off")
    assert fields["page"]["value"] == "/petitions/paid-family-leave/"
    states = [a["value"] for a in tags.named("option") if a.get("value")]
    assert len(states) == 56 and {"DC", "PR", "GU"} <= set(states)


def test_the_consent_wording_on_the_page_is_the_wording_the_api_records(sample_site):
    manifest = json.loads((sample_site / "petitions.json").read_text(encoding="utf-8"))
    for petition in manifest["petitions"]:
        html = page(sample_site, petition["page"].strip("/"))
        assert f'<label for="gs-email_updates">{petition["email_updates_consent"]}</label>' in html


def test_every_page_looks_right_when_shared(sample_site):
    for path in sample_site.rglob("*.html"):
        if path.name == "404.html":
            continue
        tags = Tags(path.read_text(encoding="utf-8"))
        meta = {a.get("property") or a.get("name"): a.get("content") for a in tags.named("meta")}
        for key in (
            "og:title",
            "og:description",
            "og:image",
            "og:url",
            "twitter:card",
            "twitter:image",
        ):
            assert meta.get(key), f"{path}: {key}"
        image = meta["og:image"].removeprefix("http://127.0.0.1:8000/")
        assert (sample_site / image).is_file(), f"{path}: {image}"


def test_no_page_asks_a_third_party_for_anything(sample_site):
    for path in sample_site.rglob("*"):
        if path.suffix not in (".html", ".css", ".js"):
            continue
        text = path.read_text(encoding="utf-8")
        assert "fonts.googleapis" not in text and "fonts.gstatic" not in text, path
        if path.suffix != ".html":
            continue
        for tag, attrs in Tags(text).tags:
            loads = attrs.get("src") if tag in ("script", "img", "iframe", "source") else None
            if tag == "link" and attrs.get("rel") not in ("canonical", "alternate"):
                loads = attrs.get("href")
            assert not loads or not re.match(r"(https?:)?//", loads), f"{path}: {tag} {loads}"


def test_a_reader_follows_the_stories_feed(sample_site):
    feed = ElementTree.parse(sample_site / "feed.xml").getroot()  # noqa: S314 (ours)
    items = feed.findall("channel/item")
    assert len(items) == 6
    dates = [item.findtext("pubDate") for item in items]
    assert dates[0].startswith("Fri, 20 Nov 2026")
    creators = [c.text for c in items[0].findall("{http://purl.org/dc/elements/1.1/}creator")]
    assert creators == ["James Okafor", "Maria Alvarez"]
    assert all(item.findtext("link").startswith("http://127.0.0.1:8000/stories/") for item in items)
    assert 'type="application/rss+xml"' in page(sample_site, "")


def test_a_reader_sees_each_chart_with_its_alt_text_and_data(sample_site):
    html = page(sample_site, "statistics/wic-participation")
    tags = Tags(html)
    [image] = [a for a in tags.named("img") if a.get("src") == "participation.svg"]
    assert image["alt"].startswith("Line chart.")
    assert '<details class="gs-chart__data">' in html
    assert '<th scope="row">2023</th><td>6.6</td>' in html
    svg = (sample_site / "statistics" / "wic-participation" / "participation.svg").read_text()
    assert svg.startswith("<?xml") and "<dc:date>" not in svg


def test_two_builds_draw_byte_identical_charts(sample_config, sample_site, tmp_path):
    again = run_build(sample_config, tmp_path / "site")
    assert again.returncode == 0, again.output
    drawn = sorted(
        p.relative_to(sample_site) for p in sample_site.rglob("*") if p.suffix in (".svg", ".png")
    )
    assert any(p.suffix == ".svg" for p in drawn)
    for path in drawn:
        assert (sample_site / path).read_bytes() == (again.site / path).read_bytes(), path


def test_an_editor_rebuilds_and_gets_the_same_pictures_from_the_cache(tmp_path):
    page = """\
---
charts:
  wic:
    data: wic.csv
    kind: bar
    x: year
    y: {participants: Served, eligible: Eligible}
    y_label: Millions of people
    title: WIC
    alt: Bars.
    headline_number: "12.1 million"
petition:
  slug: wic
  title: Fund WIC
  ask: Fund WIC in full.
  goal: 1000
  target: U.S. Congress
---
# WIC
"""
    csv = "year,participants,eligible\n2022,6.3,12.1\n2023,6.6,12.4\n"
    config = editor_site(tmp_path, {"wic.md": page, "wic.csv": csv})
    builds = [
        run_build(config, tmp_path / "drawn", cache=True),
        run_build(config, tmp_path / "from-cache", cache=True),
        run_build(config, tmp_path / "fresh"),
    ]
    # Two SVGs of the chart, the site's card, the petition's and the chart's two graphics.
    assert len(list((tmp_path / ".cache" / "campaign_site" / "pictures").iterdir())) == 7
    pictures = ["wic/wic.svg", "wic/wic.narrow.svg", "assets/share.png"]
    pictures += [
        f"wic/share/{name}.png" for name in ("card", "portrait", "wic-card", "wic-portrait")
    ]
    for picture in pictures:
        drawn, cached, fresh = ((b.site / picture).read_bytes() for b in builds)
        assert drawn == cached == fresh, picture
