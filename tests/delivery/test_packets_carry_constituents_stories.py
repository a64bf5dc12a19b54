"""A delivery packet closes with the stories of that office's constituents who let us
share them with Congress: a representative gets their district's, a senator their state's."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event, select

from petition_api.models import (
    Petition,
    Signature,
    Story,
    StoryConsent,
    StoryConsentKind,
    StoryStatus,
)

from ..conftest import database
from .support import (
    PETITION,
    add_signatures,
    bearer,
    keep_packet,
    pdf_pages,
    pdf_text,
    read_archive,
)


def a_story(app, text: str, state: str, district: str | None, status: StoryStatus,
            congress: bool, name: bool) -> None:  # fmt: skip
    with database(app) as session:
        petition = session.scalar(select(Petition.id).where(Petition.slug == PETITION))
        wording = session.execute(select(Petition.updates_consent_id)).scalars().first()
        story = Story(status=status, petition_id=petition, first_name="Rosa",
                      email=f"{text[:5].lower()}@example.org", email_canonical="x@example.org",
                      state=state, zip="10001", district=district, text=text)  # fmt: skip
        session.add(story)
        session.flush()
        for kind, given in ((StoryConsentKind.CONGRESS, congress), (StoryConsentKind.NAME, name)):
            session.add(StoryConsent(story_id=story.id, kind=kind, given=given,
                                     wording_id=wording, source="form"))  # fmt: skip


def test_each_office_gets_the_stories_its_constituents_allowed(app, client, token, request):
    add_signatures(app, [{"state": "NY", "zip": "10001", "district": "NY-12"},
                         {"state": "NY", "zip": "11201", "district": "NY-10"}])  # fmt: skip
    a_story(app, "Paid leave kept my job.", "NY", "NY-12", StoryStatus.APPROVED, True, True)
    a_story(app, "Brooklyn needs WIC.", "NY", "NY-10", StoryStatus.PUBLISHED, True, False)
    a_story(app, "Not for Congress.", "NY", "NY-12", StoryStatus.APPROVED, False, True)
    a_story(app, "Not approved yet.", "NY", "NY-12", StoryStatus.SUBMITTED, True, True)
    files = read_archive(
        client.get(f"/api/petitions/{PETITION}/delivery", headers=bearer(token)).data
    )
    keep_packet(request, files["NY/NY-SR.pdf"])
    house = pdf_text(files["NY/NY-12.pdf"])
    assert "Stories from your constituents" in house
    assert "Rosa, ZIP code 10001, New York" in house and "Paid leave kept my job." in house
    letter = " ".join(pdf_pages(files["NY/NY-12.pdf"])[0].split())
    assert "One constituent also asked us to share their own story with you" in letter
    assert "Brooklyn needs WIC." not in house  # another district's
    assert "Not for Congress." not in house and "Not approved yet." not in house
    senators = [name for name in files if name in ("NY/NY-SR.pdf", "NY/NY-JR.pdf")]
    assert len(senators) == 2
    for name in senators:
        text = pdf_text(files[name])
        assert "Paid leave kept my job." in text and "Brooklyn needs WIC." in text
        assert "A constituent, ZIP code 10001, New York" in text  # no consent to show the name
        letter = " ".join(pdf_pages(files[name])[0].split())
        assert "2 constituents also asked us to share their own stories with you" in letter
    assert "Rosa" not in pdf_text(files["NY/NY-10.pdf"])


def test_a_comment_shared_as_a_story_shows_the_town_its_signer_gave(app, client, token):
    signer = {"state": "NY", "zip": "11201", "district": "NY-10", "city": "Brooklyn",
              "first_name": "Ines", "comment": "WIC fed us."}  # fmt: skip
    add_signatures(app, [signer])
    with database(app) as session:
        signature = session.scalar(select(Signature).where(Signature.city == "Brooklyn"))
        wording = session.execute(select(Petition.updates_consent_id)).scalars().first()
        story = Story(status=StoryStatus.APPROVED, source="comment",
                      petition_id=signature.petition_id, signature_id=signature.id,
                      first_name="Ines", email=signature.email, email_canonical=signature.email,
                      state="NY", zip="11201", district="NY-10", text="WIC fed us.")  # fmt: skip
        session.add(story)
        session.flush()
        for kind in (StoryConsentKind.CONGRESS, StoryConsentKind.NAME):
            session.add(StoryConsent(story_id=story.id, kind=kind, given=True,
                                     wording_id=wording, source="permission"))  # fmt: skip
    files = read_archive(
        client.get(f"/api/petitions/{PETITION}/delivery", headers=bearer(token)).data
    )
    for name in ("NY/NY-10.pdf", "NY/NY-SR.pdf", "NY/NY-JR.pdf"):
        assert "Ines, Brooklyn, NY 11201 WIC fed us." in " ".join(pdf_text(files[name]).split())


@contextmanager
def statements(app) -> Iterator[list[str]]:
    """Every SQL statement the app sends while inside (watched on its engine)."""
    sent: list[str] = []

    def count(conn, cursor, statement, *args):
        sent.append(statement)

    engine = app.extensions["engine"]
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_forty_stories_cost_a_delivery_no_more_queries_than_two(app, client, token):
    add_signatures(app, [{"state": "NY", "zip": "10001", "district": "NY-12"}])
    url = f"/api/petitions/{PETITION}/delivery"
    client.get(url, headers=bearer(token)).close()  # caches filled, as on a running server
    for i in range(2):
        a_story(app, f"Story {i} of ours.", "NY", "NY-12", StoryStatus.APPROVED, True, True)
    with statements(app) as few:
        assert "Story 1 of ours." in pdf_text(
            read_archive(client.get(url, headers=bearer(token)).data)["NY/NY-12.pdf"]
        )
    for i in range(2, 40):
        a_story(app, f"Story {i} of ours.", "NY", "NY-12", StoryStatus.APPROVED, True, True)
    with statements(app) as many:
        assert "Story 39 of ours." in pdf_text(
            read_archive(client.get(url, headers=bearer(token)).data)["NY/NY-12.pdf"]
        )
    assert len(many) <= len(few), f"{len(few)} statements for 2 stories, {len(many)} for 40"
