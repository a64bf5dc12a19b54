"""Share links for a petition, and where a supporter is invited to tell their story.

Plain links, as on the site's thank-you panel (campaign_site's
petition-share.html): nothing is loaded from Facebook, WhatsApp or X until
someone follows one, so the pages that show them need no script and no
third party's permission. Each link tags the petition's address with where the
share came from (`utm_source` the network, `utm_medium=share`, and
`utm_content` the page or message that offered it), which the form records
with the friend's signature. Links given to someone who signed carry their
referral code too (`ref`, right after `utm_medium`; signing/referrals.py);
links offered before signing carry none.
"""

from __future__ import annotations

from typing import NamedTuple
from urllib.parse import quote, urlencode


class ShareLink(NamedTuple):
    network: str  # facebook, whatsapp, x, email, link
    label: str
    url: str


def petition_url(petition, site_url: str) -> str:
    return site_url.rstrip("/") + petition.page


def share_links(
    petition,
    site_url: str,
    content: str | None = None,
    signed: bool = True,
    ref: str | None = None,
) -> list[ShareLink]:
    """Facebook, WhatsApp, X, email, then the petition's own address to copy.

    The campaign site's build uses this list too (petition page, thank-you panel
    and page); ``signed`` false words the message for someone who has not signed.
    ``ref``: the signer's referral code (the site's script adds it to the static
    pages' links the same way, after ``utm_medium``)."""
    page = petition_url(petition, site_url)
    text = f"{'I just signed' if signed else 'Sign the petition'}: {petition.title}"
    body = f"{petition.ask}\n\nSign here:"
    return page_links(page, text, body, "Link to the petition", content, ref=ref)


def page_links(
    page: str,
    text: str,
    body: str,
    link_label: str,
    content: str | None = None,
    fragment: str = "",
    ref: str | None = None,
) -> list[ShareLink]:
    """Facebook, WhatsApp, X, email, then ``page`` itself to copy (labelled
    ``link_label``), each tagged with its network and ``content``: a petition's
    (share_links) and the site's other pages' (a chart's, a story's). ``text`` is
    the message the networks prefill, ``body`` the email's words before the link,
    ``fragment`` a place in the page ("#chart-coverage"), after the tags, and ``ref``
    a signer's referral code."""

    def tagged(source: str) -> str:
        tags = {"utm_source": source, "utm_medium": "share"}
        if ref:
            tags["ref"] = ref
        if content:
            tags["utm_content"] = content
        return f"{page}?{urlencode(tags)}{fragment}"

    return [
        ShareLink(
            "facebook",
            "Share on Facebook",
            "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": tagged("facebook")}),
        ),
        ShareLink(
            "whatsapp",
            "Send on WhatsApp",
            "https://wa.me/?" + urlencode({"text": f"{text} {tagged('whatsapp')}"}),
        ),
        ShareLink(
            "x",
            "Post on X",
            "https://x.com/intent/post?" + urlencode({"text": text, "url": tagged("x")}),
        ),
        ShareLink(
            "email",
            "Send by email",
            f"mailto:?subject={quote(text)}&body={quote(body + ' ' + tagged('email'))}",
        ),
        ShareLink("link", link_label, tagged("link")),
    ]


def post_text(words: str, link: str, lead: str = "") -> str:
    """The suggested post a supporter copies: the words, then the page's link
    (after ``lead``, e.g. "Sign:")."""
    return f"{words}\n\n{lead + ' ' if lead else ''}{link}"


def offered(petition, site_url: str, links: list[ShareLink]) -> dict | None:
    """Beside ``links`` on the API's pages (templates/_share.html): the suggested post,
    ending with the link to copy, and the petition's share graphics at the site's
    address; None when the build did not publish them (the manifest's "share")."""
    share = petition.share
    if not share:
        return None
    link = next(link.url for link in links if link.network == "link")
    site = site_url.rstrip("/")
    return {
        "text": post_text(share["text"], link, "Sign:"),
        "alt": share["alt"],
        "graphics": [{**graphic, "url": site + graphic["url"]} for graphic in share["graphics"]],
    }


def story_url(petition, site_url: str) -> str:
    """The "tell your story" form (the site's `story_page`, see campaign_site/look.py),
    naming the petition so the form can say which campaign the story is for."""
    # Imported here: the site's build imports this module, and site_look needs Flask.
    from .. import site_look

    where = site_look.current().story_url
    if where.startswith("/"):
        where = site_url.rstrip("/") + where
    separator = "&" if "?" in where else "?"
    return f"{where}{separator}{urlencode({'petition': petition.slug})}"
