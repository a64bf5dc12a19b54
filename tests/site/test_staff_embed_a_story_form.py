"""Staff put the story form on a page from its front matter; the API gets its wordings."""

import json
from html.parser import HTMLParser

from campaign_site.config import COMMENT_SHARE_CONSENT, STORY_CONSENTS

from .support import editor_site, run_build

CONSENTS = ("consent_publish", "consent_name", "consent_congress", "consent_contact")
STORY_FIELDS = {
    "first_name", "email", "state", "zip", "district", "story", "photo", *CONSENTS, "petition",
    "website", "form_token", "utm_source", "utm_medium", "utm_campaign", "utm_content",
    "variant", "page",
}  # fmt: skip
PETITION = """\
---
petition:
  slug: wic
  title: Fund WIC
  ask: Fund WIC in full.
  goal: 1000
  target: U.S. Congress
---
# Fund WIC
"""


class Form(HTMLParser):
    """A page's forms: each one's attributes and fields, the labels' words by ``for``,
    and the legend of the fieldset each field is in."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self.labels: dict[str, str] = {}
        self.ids: list[str] = []
        self._label: str | None = None
        self._legend: list[str] | None = None
        self._fieldsets: list[list[str]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag == "form":
            self.forms.append({"attrs": attrs, "fields": {}})
        elif tag == "fieldset":
            self._fieldsets.append([])
        elif tag == "legend" and self._fieldsets:
            self._legend = self._fieldsets[-1]
        elif tag == "label":
            self._label = attrs.get("for")
            self.labels[self._label] = ""
        elif tag in ("input", "select", "textarea") and self.forms and "name" in attrs:
            legend = "".join(self._fieldsets[-1]).strip() if self._fieldsets else None
            self.forms[-1]["fields"][attrs["name"]] = {**attrs, "_tag": tag, "_legend": legend}

    def handle_endtag(self, tag):
        if tag == "label":
            self._label = None
        elif tag == "legend":
            self._legend = None
        elif tag == "fieldset" and self._fieldsets:
            self._fieldsets.pop()

    def handle_data(self, data):
        if self._label is not None:
            self.labels[self._label] += data
        if self._legend is not None:
            self._legend.append(data)

    def story_form(self) -> dict:
        [form] = [f for f in self.forms if "data-gs-story" in f["attrs"]]
        return form

    def label_of(self, field: dict) -> str:
        return " ".join(self.labels[field["id"]].split())


def page(site, path: str) -> Form:
    return Form((site / path / "index.html").read_text(encoding="utf-8"))


def manifest(site) -> dict:
    return json.loads((site / "petitions.json").read_text(encoding="utf-8"))


def build(tmp_path, pages, **options):
    return run_build(editor_site(tmp_path, pages, **options), tmp_path / "site")


def test_a_supporter_finds_every_field_of_the_story_form_on_the_tell_page(sample_site):
    tell = page(sample_site, "stories/tell")
    form = tell.story_form()
    attrs, fields = form["attrs"], form["fields"]
    assert (attrs["method"], attrs["action"], attrs["enctype"]) == (
        "post",
        "/api/stories",
        "multipart/form-data",
    )
    assert set(fields) == STORY_FIELDS
    for name in ("first_name", "email", "state", "zip", "story", "photo", *CONSENTS):
        assert tell.label_of(fields[name]), name
    assert fields["email"]["type"] == "email" and fields["email"]["autocomplete"] == "email"
    assert fields["state"]["_tag"] == "select"
    assert fields["zip"]["autocomplete"] == "postal-code"
    assert fields["story"]["_tag"] == "textarea" and fields["story"]["maxlength"] == "5000"
    photo = fields["photo"]
    assert (photo["type"], photo["accept"]) == ("file", "image/jpeg,image/png,image/webp")
    assert "required" not in photo
    html = (sample_site / "stories" / "tell" / "index.html").read_text(encoding="utf-8")
    assert "JPEG, PNG or WebP, up to 8 MB" in html
    for name in CONSENTS:
        box = fields[name]
        assert (box["type"], box["value"]) == ("checkbox", "y") and "checked" not in box
        assert box["_legend"] == "What we may do with your story"
    assert fields["petition"]["type"] == "hidden" and fields["petition"]["value"] == ""
    # The district is chosen only where the ZIP spans several (districts.js fills it in).
    assert (fields["district"]["type"], fields["district"]["value"]) == ("hidden", "")
    assert "data-gs-districts hidden" in html
    honeypot = fields["website"]
    assert (honeypot["tabindex"], honeypot["autocomplete"]) == ("-1", "off")
    assert fields["form_token"]["value"] == ""
    assert fields["page"]["value"] == "/stories/tell/"
    assert len(set(tell.ids)) == len(tell.ids), "an id used twice on the page"


def test_the_box_wordings_on_the_form_are_the_wordings_the_api_records(sample_site):
    stories = manifest(sample_site)["stories"]
    assert stories["page"] == "/stories/tell/"
    assert stories["consents"] == STORY_CONSENTS
    assert list(stories["consents"]) == ["publish", "name", "congress", "contact"]
    assert stories["thanks_page"] == "/stories/tell/thanks/"
    assert stories["forms"] == [
        {"page": "/stories/tell/", "thanks_page": "/stories/tell/thanks/", "petition": None}
    ]
    tell = page(sample_site, "stories/tell")
    fields = tell.story_form()["fields"]
    for key, wording in stories["consents"].items():
        assert tell.label_of(fields[f"consent_{key}"]) == wording


def test_a_supporter_who_sent_a_story_lands_on_a_page_that_says_what_happens_next(sample_site):
    thanks = (sample_site / "stories" / "tell" / "thanks" / "index.html").read_text("utf-8")
    assert "<h1" in thanks and "Check your email to confirm your story" in thanks
    assert "reads every story before anything is shared" in thanks
    assert "data-gs-story" not in thanks


def test_a_signer_may_offer_their_comment_as_a_story(sample_site):
    for petition in manifest(sample_site)["petitions"]:
        assert petition["comment_share_consent"] == COMMENT_SHARE_CONSENT
        signing = page(sample_site, petition["page"].strip("/"))
        [form] = [f for f in signing.forms if "data-gs-petition" in f["attrs"]]
        fields = list(form["fields"])
        box = form["fields"]["comment_shareable"]
        assert (box["type"], box["value"]) == ("checkbox", "y") and "checked" not in box
        assert signing.label_of(box) == petition["comment_share_consent"]
        assert fields.index("comment_shareable") == fields.index("comment") + 1


def test_staff_word_the_boxes_their_own_way(tmp_path):
    page_text = PETITION.replace(
        "  target: U.S. Congress\n",
        "  target: U.S. Congress\n  comment_share_consent: Share my comment, not my name.\n",
    )
    options = {
        "story_consents": {"publish": "Put my story on the website."},
        "comment_share_consent": "You may use my comment in a story.",
    }
    result = build(
        tmp_path,
        {"wic.md": page_text, "other.md": PETITION.replace("slug: wic", "slug: other")},
        options=options,
    )
    assert result.returncode == 0, result.output
    published = manifest(result.site)
    consents = published["stories"]["consents"]
    assert consents == {**STORY_CONSENTS, "publish": "Put my story on the website."}
    shares = {p["slug"]: p["comment_share_consent"] for p in published["petitions"]}
    assert shares == {
        "wic": "Share my comment, not my name.",
        "other": "You may use my comment in a story.",
    }
    signing = page(result.site, "wic")
    assert signing.labels["gs-comment_shareable"] == "Share my comment, not my name."


def test_staff_put_the_form_on_a_page_for_one_petition_with_its_own_thank_you_page(tmp_path):
    pages = {
        "wic.md": PETITION,
        "leave.md": "---\nstory_form:\n  petition: wic\n"
        "  thanks_page: thanks-for-your-story/\n---\n# Paid leave\n",
        "thanks-for-your-story.md": "# Thank you\n",
    }
    result = build(tmp_path, pages)
    assert result.returncode == 0, result.output
    form = page(result.site, "leave").story_form()
    assert form["fields"]["petition"]["value"] == "wic"
    assert form["fields"]["page"]["value"] == "/leave/"
    assert "data-gs-petitions" not in form["attrs"]  # the script leaves the petition alone
    [entry] = manifest(result.site)["stories"]["forms"]
    assert entry == {"page": "/leave/", "thanks_page": "/thanks-for-your-story/", "petition": "wic"}


def test_a_story_form_on_a_petition_page_goes_with_that_petition(tmp_path):
    result = build(tmp_path, {"wic.md": PETITION.replace("---\n#", "story_form: true\n---\n#")})
    assert result.returncode == 0, result.output
    signing = page(result.site, "wic")
    assert signing.story_form()["fields"]["petition"]["value"] == "wic"
    assert any("data-gs-petition" in f["attrs"] for f in signing.forms)
    assert len(set(signing.ids)) == len(signing.ids), "the two forms share an id"
    # No page of its own there yet: the build writes the standard thank-you page.
    [entry] = manifest(result.site)["stories"]["forms"]
    assert entry["thanks_page"] == "/stories/tell/thanks/"
    thanks = (result.site / "stories" / "tell" / "thanks" / "index.html").read_text("utf-8")
    assert "Check your email to confirm your story" in thanks
    assert "story_page 'stories/tell/': no page of this site is there" in result.output


def test_staff_put_the_form_under_the_blog_list(tmp_path):
    pages = {"stories/index.md": "---\nstory_form: true\n---\n# Stories\n"}
    result = build(tmp_path, pages, blog=True)
    assert result.returncode == 0, result.output
    assert page(result.site, "stories").story_form()["fields"]["page"]["value"] == "/stories/"


def test_an_editor_names_a_petition_that_does_not_exist(tmp_path):
    pages = {"wic.md": PETITION, "about.md": "---\nstory_form:\n  petition: wick\n---\n# About\n"}
    result = build(tmp_path, pages)
    assert result.returncode != 0
    assert (
        "content/about.md: story_form.petition: no petition 'wick' is declared (declared: wic)"
        in result.lines
    ), result.output
    assert not (tmp_path / "site" / "index.html").exists()


def test_an_editor_writes_story_form_as_something_other_than_true_or_options(tmp_path):
    result = build(tmp_path, {"about.md": "---\nstory_form: please\n---\n# About\n"})
    assert result.returncode != 0
    assert any(
        line.startswith(
            "content/about.md: story_form: expected true, or petition: and thanks_page:"
        )
        and line.endswith("got 'please'")
        for line in result.lines
    ), result.output


def test_an_editor_misspells_or_mistypes_a_story_form_option(tmp_path):
    page_text = "---\nstory_form:\n  petiton: wic\n  thanks_page: 3\n---\n# About\n"
    result = build(tmp_path, {"wic.md": PETITION, "about.md": page_text})
    assert result.returncode != 0
    assert any(
        line.startswith("content/about.md: story_form.petiton: unknown key")
        for line in result.lines
    ), result.output
    assert any(
        line.startswith("content/about.md: story_form.thanks_page: ") for line in result.lines
    ), result.output


def test_an_editor_sends_supporters_to_a_thank_you_page_that_does_not_exist(tmp_path):
    page_text = "---\nstory_form:\n  thanks_page: story-thanks/\n---\n# About\n"
    result = build(tmp_path, {"about.md": page_text})
    assert result.returncode != 0
    assert (
        "content/about.md: story_form.thanks_page: no page at 'story-thanks/' "
        "(a page of this site from its root, like stories/tell/thanks/)" in result.lines
    ), result.output


def test_an_editor_leaves_a_box_without_words(tmp_path):
    result = build(tmp_path, {}, options={"story_consents": {"congress": " "}})
    assert result.returncode != 0
    assert "story_consents" in result.output and "congress" in result.output, result.output
    assert not (tmp_path / "site" / "index.html").exists()
