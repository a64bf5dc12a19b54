"""Staff try other words on a petition: each variant of the page has its own address for
an ad or a post, the petition page's form, counter and share box, its own share
graphics, and stays out of search engines, menus, the sitemap and the site's search."""

from __future__ import annotations

import json
import re

from PIL import Image

from .support import editor_site, run_build
from .test_sample_campaign import Tags, page

ROOT_URL = "http://127.0.0.1:8000/"
PETITION = "petitions/protect-wic"
VARIANTS = {
    "babies": "WIC feeds 6.6 million mothers, babies and young children. Keep it funded.",
    "waiting-lists": "No family should be put on a waiting list for WIC",
}
MAIN_LEAD = "WIC helps pregnant women, new mothers, babies and young children"


def head(html: str) -> dict[str, str]:
    """The page's meta tags (by name or property) and its canonical link."""
    tags = Tags(html)
    found = {a.get("property") or a.get("name"): a.get("content") for a in tags.named("meta")}
    [canonical] = [a["href"] for a in tags.named("link") if a.get("rel") == "canonical"]
    return {**found, "canonical": canonical}


def form_values(html: str) -> dict[str, str]:
    [form] = [a for a in Tags(html).named("form") if "data-gs-petition" in a]
    hidden = [a for a in Tags(html).named("input") if a.get("type") == "hidden"]
    return {"action": form["action"], **{a["name"]: a.get("value", "") for a in hidden}}


def share_links(html: str) -> list[str]:
    return [a["href"] for a in Tags(html).named("a") if "data-gs-network" in a]


def words(html: str) -> str:
    case = html.split('class="gs-petition__case">', 1)[1].split("data-gs-by-state", 1)[0]
    return " ".join(re.sub(r"<[^>]+>", " ", case).split())


def test_an_ad_links_to_a_variant_and_finds_the_petition_with_other_words(sample_site):
    main = page(sample_site, PETITION)
    for name, headline in VARIANTS.items():
        shown = page(sample_site, f"{PETITION}/v/{name}")
        [h1] = re.findall(r"<h1[^>]*>(.*?)</h1>", shown)
        assert h1 == headline
        assert f"<title>{headline} - Families First</title>" in shown
        assert MAIN_LEAD not in words(shown)
        assert "Why this matters" in words(shown)  # the rest is the petition page's
        # The form, the counter and the share box are the petition page's.
        assert form_values(shown) == form_values(main) | {
            "variant": name,
            "page": f"/{PETITION}/v/{name}/",
        }
        assert share_links(shown) == share_links(main) != []
        assert "data-gs-counter" in shown and 'data-gs-goal="50000"' in shown
    babies = words(page(sample_site, f"{PETITION}/v/babies"))
    assert babies.startswith("Every month WIC puts milk, fruit, vegetables and infant formula")
    assert MAIN_LEAD in words(main)
    assert form_values(main)["variant"] == ""


def test_a_variant_page_has_its_petition_pages_menus(sample_site):
    def menus(html: str) -> list[tuple[str, str]]:
        """Each menu entry's link and whether it is open (the tab, the section)."""
        nav = html.split('class="md-tabs"', 1)[1].split('class="md-content"', 1)[0]
        entry = r'<li class="([^"]*)"[^>]*>\s*<(?:a|input)[^>]*?(?:href|id)="([^"]*)"'
        # Not the contents of the page (the petition page's entry holds its own).
        return [(to, "active" in classes) for classes, to in re.findall(entry, nav)
                if not to.startswith("#")]  # fmt: skip

    main = menus(page(sample_site, PETITION))
    shown = menus(page(sample_site, f"{PETITION}/v/babies"))
    assert any(active for _, active in main)
    # The same entries open, each link written from the variant's deeper folder.
    assert [active for _, active in shown] == [active for _, active in main]
    assert len(shown) == len(main) > 5


def test_a_variant_page_shows_its_own_picture(sample_site):
    html = page(sample_site, f"{PETITION}/v/babies")
    [picture] = [a for a in Tags(html.split("gs-petition__case", 1)[1]).named("img")]
    assert picture["alt"] == (
        "A grocery bag of WIC foods, with milk, bread, an apple, carrots and a banana."
    )
    served = (sample_site / PETITION / "v" / "babies" / picture["src"]).resolve()
    assert served == (sample_site / "petitions" / "images" / "wic-groceries.svg").resolve()
    assert "wic-groceries" not in page(sample_site, f"{PETITION}/v/waiting-lists")


def test_search_engines_are_sent_to_the_petition_page(sample_site):
    main = head(page(sample_site, PETITION))
    assert main["canonical"] == ROOT_URL + PETITION + "/"
    assert "robots" not in main and "gs:variant" not in main
    for name in VARIANTS:
        meta = head(page(sample_site, f"{PETITION}/v/{name}"))
        assert meta["canonical"] == ROOT_URL + PETITION + "/"
        assert meta["robots"] == "noindex"
        assert meta["gs:variant"] == name  # the view counter's contract: do not rename
        # Shared as itself: a network that reads og:url shows the variant's own card.
        assert meta["og:url"] == f"{ROOT_URL}{PETITION}/v/{name}/"
        assert meta["og:title"] == VARIANTS[name]
    lead = head(page(sample_site, f"{PETITION}/v/babies"))["og:description"]
    assert lead.startswith("Every month WIC puts milk")


def test_variants_are_in_no_menu_sitemap_or_search(sample_site):
    variant_pages = sorted((sample_site / PETITION / "v").glob("*/index.html"))
    assert [p.parent.name for p in variant_pages] == sorted(VARIANTS)
    others = [p for p in sample_site.rglob("*.html") if p not in variant_pages]
    assert [p for p in others if "/v/babies" in p.read_text(encoding="utf-8")] == []
    sitemap = (sample_site / "sitemap.xml").read_text(encoding="utf-8")
    assert f"{PETITION}/</loc>" in sitemap and "/v/" not in sitemap
    index = json.loads((sample_site / "search" / "search_index.json").read_text("utf-8"))
    assert [d["location"] for d in index["docs"] if "/v/" in d["location"]] == []
    assert [d for d in index["docs"] if d["location"].startswith(PETITION)]


def test_each_variant_shares_its_own_card_and_feed_picture(sample_site):
    main_card = (sample_site / PETITION / "share" / "card.png").read_bytes()
    for name in VARIANTS:
        meta = head(page(sample_site, f"{PETITION}/v/{name}"))
        card = f"{PETITION}/v/{name}/share/card.png"
        assert meta["og:image"] == ROOT_URL + card
        assert (meta["og:image:width"], meta["og:image:height"]) == ("1200", "630")
        assert meta["twitter:image"] == meta["og:image"]
        assert (sample_site / card).read_bytes() != main_card
        for fmt, size in (("card", (1200, 630)), ("portrait", (1080, 1350))):
            with Image.open(sample_site / PETITION / "v" / name / "share" / f"{fmt}.png") as png:
                assert png.size == size
    babies = head(page(sample_site, f"{PETITION}/v/babies"))["og:image:alt"]
    assert babies.startswith(VARIANTS["babies"] + " A petition by Families First")
    # Its share.headline on the graphics, its headline on the page.
    lists = head(page(sample_site, f"{PETITION}/v/waiting-lists"))["og:image:alt"]
    assert lists.startswith("No waiting lists for WIC. Fund it in full. A petition by")


def test_the_api_learns_each_petitions_variants_from_the_manifest(sample_site):
    manifest = json.loads((sample_site / "petitions.json").read_text(encoding="utf-8"))
    wic = next(p for p in manifest["petitions"] if p["slug"] == "protect-wic")
    assert wic["variants"] == [
        {"name": name, "headline": headline, "page": f"/{PETITION}/v/{name}/"}
        for name, headline in VARIANTS.items()
    ]


def test_the_404_page_knows_every_petition_for_a_variant_no_longer_there(sample_site):
    html = (sample_site / "404.html").read_text(encoding="utf-8")
    [box] = [a for a in Tags(html).named("div") if "data-gs-not-found" in a]
    listed = json.loads(box["data-gs-petitions"])
    assert [p["page"] for p in listed] == ["/petitions/paid-family-leave/", f"/{PETITION}/"]
    links = [a["href"] for a in Tags(html).named("a")]
    assert f"/{PETITION}/" in links and "/petitions/paid-family-leave/" in links
    assert [a["src"] for a in Tags(html).named("script") if "not-found" in a.get("src", "")] == [
        "/assets/campaign/not-found.js"
    ]


OWN_PAGE = """\
---
petition:
  slug: wic
  title: Fund WIC
  ask: Fund WIC in full.
  goal: 1000
  target: U.S. Congress
  variants:
    - name: short
      headline: WIC, funded
    - name: pictured
      headline: A picture of WIC
      lead: The words under the picture's headline.
      image: ../pictures/plate.png
      image_alt: A plate of vegetables.
---
# Fund WIC

![Our clinic](clinic.png)

Opening words of the page.

## Why

The case.
"""


def test_a_variant_replaces_only_what_it_declares(tmp_path):
    config = editor_site(tmp_path, {"petitions/wic.md": OWN_PAGE})
    for path in ("petitions/clinic.png", "pictures/plate.png"):
        picture = tmp_path / "content" / path
        picture.parent.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", (40, 20), "green").save(picture)
    result = run_build(config, tmp_path / "site")
    assert result.returncode == 0, result.output
    assert "/v/" not in result.output  # every link of a variant page leads somewhere
    short = (tmp_path / "site/petitions/wic/v/short/index.html").read_text(encoding="utf-8")
    case = short.split('class="gs-petition__case"', 1)[1]
    # The page's own heading, with the id its contents link names, says the headline.
    assert re.findall(r'<h1 id="fund-wic">(.*?)</h1>', short) == ["WIC, funded"]
    # No lead or image of its own: the page's opening words and picture stay.
    assert "Opening words of the page." in case and 'alt="Our clinic"' in case
    assert '<img alt="Our clinic" src="../../../clinic.png"' in case
    pictured = (tmp_path / "site/petitions/wic/v/pictured/index.html").read_text("utf-8")
    case = pictured.split('class="gs-petition__case"', 1)[1]
    assert "Opening words" not in case and "Our clinic" not in case
    assert case.index('<img src="../../../../pictures/plate.png" alt="A plate of vegetables.">') < (
        case.index("The words under the picture")
    )  # the picture first, where the page had its own
    assert "The case." in case


def mistake(tmp_path, variants: str, files: tuple[str, ...] = ()) -> list[str]:
    """The build's problem lines for a petition page declaring ``variants`` (YAML)."""
    text = OWN_PAGE.split("  variants:\n")[0] + "  variants:\n" + variants + "---\n# Fund WIC\n"
    config = editor_site(tmp_path, {"petitions/wic.md": text, **dict.fromkeys(files, "x")})
    result = run_build(config, tmp_path / "site")
    assert result.returncode == 1, result.output
    return [line for line in result.lines if line.startswith("content/")]


def test_two_variants_with_one_name_stop_the_build(tmp_path):
    lines = mistake(
        tmp_path,
        "    - {name: short, headline: One}\n"
        "    - {name: long, headline: Two}\n"
        "    - {name: short, headline: Three}\n",
    )
    assert lines == [
        "content/petitions/wic.md: petition.variants.short.name: 'short' names variants 1 "
        "and 3: each needs a name of its own (it is the end of its page's address)"
    ]


def test_a_variant_without_a_headline_stops_the_build(tmp_path):
    lines = mistake(tmp_path, "    - {name: short}\n    - {name: blank, headline: '  '}\n")
    assert lines == [
        "content/petitions/wic.md: petition.variants.short.headline: required but missing",
        "content/petitions/wic.md: petition.variants.blank.headline: expected words to "
        "show, got '  '",
    ]


def test_a_variant_name_that_cannot_end_an_address_stops_the_build(tmp_path):
    lines = mistake(
        tmp_path,
        "    - {name: Short Words, headline: One}\n"
        f"    - {{name: {'a' * 101}, headline: Two}}\n"
        "    - {headline: Three}\n"
        "    - just words\n",
    )
    assert lines == [
        "content/petitions/wic.md: petition.variants[1].name: expected lower-case letters, "
        "digits and hyphens, got 'Short Words'",
        f"content/petitions/wic.md: petition.variants.{'a' * 101}.name: 101 characters; a "
        "variant's name has at most 100",
        "content/petitions/wic.md: petition.variants[3].name: required but missing",
        "content/petitions/wic.md: petition.variants[4]: expected a variant: name, "
        "headline, lead, image",
    ]


def test_a_variant_picture_must_be_a_picture_in_the_content_folder(tmp_path):
    lines = mistake(
        tmp_path,
        "    - {name: a, headline: A, image: gone.png, image_alt: Gone}\n"
        "    - {name: b, headline: B, image: ../../secret.png, image_alt: Out}\n"
        "    - {name: c, headline: C, image: notes.txt, image_alt: Notes}\n"
        "    - {name: d, headline: D, image: plate.png}\n"
        "    - {name: e, headline: E, image_alt: Nothing}\n"
        "    - {name: f, headline: F, share: {text: Sign}}\n",
        files=("petitions/notes.txt", "petitions/plate.png"),
    )
    assert lines == [
        "content/petitions/wic.md: petition.variants.a.image: no file at gone.png (a path "
        "from this page's folder)",
        "content/petitions/wic.md: petition.variants.b.image: ../../secret.png leads out of "
        "content/: the picture must be in it",
        "content/petitions/wic.md: petition.variants.c.image: notes.txt is not a picture "
        "(.png, .jpg, .jpeg, .gif, .webp, .avif, .svg)",
        "content/petitions/wic.md: petition.variants.d.image_alt: required with image: what "
        "the picture shows, in words",
        "content/petitions/wic.md: petition.variants.e.image_alt: describes a picture, and "
        "this variant has no image:",
        "content/petitions/wic.md: petition.variants.f.share.text: unknown key (allowed: "
        "alt, headline)",
    ]


def test_variants_that_are_not_a_list_stop_the_build(tmp_path):
    lines = mistake(tmp_path, "      short: {headline: One}\n")
    assert lines == [
        "content/petitions/wic.md: petition.variants: expected a list of variants, each with "
        "name: and headline:"
    ]


KIT_PAGE = """\
---
petition:
  slug: wic
  title: Fund WIC
  ask: Fund WIC in full.
  goal: 1000
  target: U.S. Congress
  variants:
    - {name: short, headline: "WIC, funded"}
social:
  - {id: wic-short, date: 2026-11-05, text: Fund WIC., graphic: card, page_variant: short}
  - {id: wic-plain, date: 2026-11-05, text: Fund WIC in full., graphic: portrait}
---
# Fund WIC
"""


def test_the_post_kit_links_a_post_to_a_variant_with_its_graphic(tmp_path):
    config = editor_site(tmp_path, {"petitions/wic.md": KIT_PAGE})
    result = run_build(config, tmp_path / "site")
    assert result.returncode == 0, result.output
    rows = (tmp_path / "site/post-kit/posts.csv").read_text(encoding="utf-8").splitlines()
    [short] = [row for row in rows if ",wic-short," in row]
    tags = "utm_source=facebook&utm_medium=social&utm_campaign=wic&utm_content=wic-short"
    assert f"{ROOT_URL}petitions/wic/v/short/?{tags}" in short
    assert f"{ROOT_URL}petitions/wic/v/short/share/card.png" in short
    assert (tmp_path / "site/petitions/wic/v/short/share/card.png").is_file()
    [plain] = [row for row in rows if ",wic-plain," in row]
    assert f"{ROOT_URL}petitions/wic/?utm_source" in plain
    assert f"{ROOT_URL}petitions/wic/share/portrait.png" in plain


def test_a_post_for_a_variant_that_is_not_there_stops_the_build(tmp_path):
    about = "---\nsocial:\n  - {id: about, date: 2026-11-05, text: Hi., page_variant: a}\n---\n"
    page = KIT_PAGE.replace("page_variant: short", "page_variant: long")
    config = editor_site(tmp_path, {"petitions/wic.md": page, "about.md": about + "# About\n"})
    result = run_build(config, tmp_path / "site")
    assert result.returncode == 1
    assert [line for line in result.lines if line.startswith("content/")] == [
        "content/about.md: social.about.page_variant: only a petition page has variants to link to",
        "content/petitions/wic.md: social.wic-short.page_variant: 'long' is not a variant of "
        "this petition (its variants: short)",
    ]


def test_a_page_where_a_variant_would_be_served_stops_the_build(tmp_path):
    taken = {"petitions/wic.md": KIT_PAGE, "petitions/wic/v/short.md": "# Mine\n"}
    result = run_build(editor_site(tmp_path, taken), tmp_path / "site")
    assert result.returncode == 1
    assert (
        "content/petitions/wic/v/short.md: the build writes variant 'short' of "
        "petitions/wic.md there: rename this file"
    ) in result.output
