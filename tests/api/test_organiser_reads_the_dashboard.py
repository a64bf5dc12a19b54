"""An organiser opens the dashboard each morning: counts, charts and where people came from."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select, update

from petition_api.counting import tallies
from petition_api.models import PetitionTally, Signature, Status, utcnow

from ..conftest import database, load_congress, prepared_app
from .console_support import console_client, post
from .support import PETITION, SIGN_URL, confirm_path, mailbox, send_mail, supporter


def arrive(app, client, n: int, source: str, state: str = "NY", confirm: bool = True, **more):
    """n people sign from `source`; those confirmed confirm; all of it minutes ago."""
    for i in range(n):
        client.post(
            SIGN_URL,
            json=supporter(
                email=f"{source}-{state}-{i}@example.org", state=state, utm_source=source, **more
            ),
        )
    with database(app) as session:
        # The tallies count up to two minutes ago: these people signed ten minutes ago.
        pending = Signature.status == Status.PENDING
        now = utcnow()
        session.execute(
            update(Signature)
            .where(pending, Signature.utm_source == source, Signature.state == state)
            .values(created_at=now - timedelta(minutes=10))
        )
        if confirm:
            session.execute(
                update(Signature)
                .where(pending, Signature.utm_source == source, Signature.state == state)
                .values(status=Status.VALIDATED, validated_at=now - timedelta(minutes=9))
            )


def figure(page: str, words: str) -> str:
    return re.search(r"<strong[^>]*>([^<]+)</strong>" + re.escape(words), page).group(1)


def dashboard(client) -> str:
    response = client.get(f"/admin/?petition={PETITION}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_an_organiser_reads_how_a_petition_is_doing(app, client):
    arrive(app, client, 3, "newsletter")
    arrive(app, client, 2, "facebook", state="CA", zip="94110")
    arrive(app, client, 1, "facebook", state="TX", zip="73301", confirm=False)
    staff = console_client(app, "editor")
    page = dashboard(staff)
    assert figure(page, "confirmed signatures") == "5"
    assert figure(page, "waiting for confirmation") == "1"
    assert figure(page, "signatures submitted") == "6"
    assert figure(page, "of submissions confirmed") == "83%"
    assert 'aria-label="Confirmed signatures by state. Confirmed: 5 in all.' in page
    # Every chart has its table; the sources table says who came from where.
    assert page.count("<svg") == page.count("as a table</summary>") >= 4
    sources = page.split("Source (utm_source) as a table")[1].split("</table>")[0]
    rows = re.findall(r"<tr><th scope=\"row\">(\w+)</th>((?:<td[^>]*>[^<]*</td>)+)", sources)
    cells = {name: re.findall(r">([^<]*)</td>", tds) for name, tds in rows}
    assert cells == {"facebook": ["3", "2", "67%"], "newsletter": ["3", "3", "100%"]}
    assert "Progress to the goal: 0% of 250,000" in page


def test_the_social_team_sees_which_post_brought_confirmed_signatures(app, client):
    # Links from the post kit: utm_medium=social, utm_content the post's id.
    kit = {"utm_medium": "social"}
    arrive(app, client, 2, "facebook", utm_content="launch-day", **kit)
    arrive(app, client, 1, "facebook", "CA", False, zip="94110", utm_content="launch-day", **kit)
    arrive(app, client, 1, "x", "TX", zip="73301", utm_content="wic-numbers.b", **kit)
    # A supporter's share link names where it was offered, not a post: not counted as one.
    arrive(app, client, 1, "link", utm_medium="share", utm_content="confirmed")
    page = dashboard(console_client(app, "editor"))
    title = "Post (utm_content of the post kit&#39;s links, by post id)"
    # Behind the chart, in <details> like every breakdown: the table, by post id.
    assert f"<details>\n<summary>{title} as a table</summary>" in page
    table = page.split(f"{title} as a table")[1].split("</table>")[0]
    rows = re.findall(r'<tr><th scope="row">([^<]+)</th>((?:<td[^>]*>[^<]*</td>)+)', table)
    cells = {name: re.findall(r">([^<]*)</td>", tds) for name, tds in rows}
    assert cells == {
        "launch-day": ["3", "2", "67%"],
        "wic-numbers.b": ["1", "1", "100%"],
        "(none)": ["1", "1", "100%"],
    }


def test_invalidating_a_fraudulent_batch_takes_it_off_the_dashboard_at_once(app, client):
    arrive(app, client, 4, "clickfarm", state="TX", zip="73301")
    arrive(app, client, 2, "newsletter")
    staff = console_client(app, "organiser")
    assert figure(dashboard(staff), "confirmed signatures") == "6"
    preview = post(
        staff,
        "/admin/signatures/invalidate",
        {"by": "domain", "q": "example.org", "petition": PETITION},
        token_from="/admin/signatures",
    )
    assert "6 signatures</strong> would be invalidated" in preview.get_data(as_text=True)
    post(
        staff,
        "/admin/signatures/invalidate",
        {"by": "email", "q": "clickfarm-TX-0@example.org", "confirmed": "yes", "reason": "farm"},
        token_from="/admin/signatures",
    )
    for i in range(1, 4):
        post(
            staff,
            "/admin/signatures/invalidate",
            {
                "by": "email",
                "q": f"clickfarm-TX-{i}@example.org",
                "confirmed": "yes",
                "reason": "x",
            },
            token_from="/admin/signatures",
        )
    page = dashboard(staff)
    assert figure(page, "confirmed signatures") == "2"
    assert (
        "TX" not in page.split("Confirmed signatures by state as a table")[1].split("</table>")[0]
    )
    assert client.get(f"/api/petitions/{PETITION}").get_json()["count"] == 2


def test_a_recount_rebuilds_the_same_tallies(app, client, runner):
    arrive(app, client, 3, "newsletter")
    arrive(app, client, 2, "facebook", confirm=False)
    staff = console_client(app, "editor")
    dashboard(staff)
    with database(app) as session:
        before = session.execute(select(PetitionTally).order_by(PetitionTally.key)).scalars()
        before = [(t.dimension, t.key, t.signed, t.confirmed) for t in before]
    assert runner.invoke(args=["petitions", "recount", PETITION]).exit_code == 0
    with database(app) as session:
        after = session.execute(select(PetitionTally).order_by(PetitionTally.key)).scalars()
        after = [(t.dimension, t.key, t.signed, t.confirmed) for t in after]
    assert after == before and ("utm_source", "facebook", 2, 0) in after


def test_opening_the_dashboard_again_counts_nobody_twice(app, client):
    arrive(app, client, 3, "newsletter")
    with database(app) as session:
        petition_id = session.scalar(select(Signature.petition_id))
    for _ in range(3):
        with database(app) as session:
            tallies.bring_up_to_date(session, petition_id)
    with database(app) as session:
        assert tallies.read(session, petition_id)["utm_source"] == {"newsletter": (3, 3)}


def test_what_signers_typed_as_a_source_is_shown_as_text(app, client):
    arrive(app, client, 1, "news")
    with database(app) as session:  # as an older row, or another way in, might hold it
        session.execute(update(Signature).values(utm_source="<script>alert(1)</script>"))
    page = dashboard(console_client(app, "editor"))
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_dashboard_of_a_petition_nobody_signed_yet(app):
    page = dashboard(console_client(app, "editor"))
    assert figure(page, "signatures submitted") == "0"
    assert "No signature came with a source" in page
    assert (
        console_client(app, "admin", "a@example.org").get("/admin/?petition=nope").status_code
        == 404
    )


def test_a_long_history_is_counted_a_stretch_at_a_time_and_then_whole(
    app, client, runner, monkeypatch
):
    from petition_api.console import dashboard as page

    arrive(app, client, 2, "newsletter")
    arrive(app, client, 3, "facebook", state="CA", zip="94110")
    with database(app) as session:  # the facebook signers came three weeks ago
        weeks_ago = utcnow() - timedelta(days=21)
        session.execute(
            update(Signature)
            .where(Signature.utm_source == "facebook")
            .values(created_at=weeks_ago, validated_at=weeks_ago + timedelta(minutes=5))
        )
    monkeypatch.setattr(page, "TALLY_SECONDS", 0.0)  # one week of history per page
    staff = console_client(app, "editor")
    opened = [dashboard(staff) for _ in range(5)]
    assert "Still counting this petition's history" in opened[0]
    assert figure(opened[0], "signatures submitted") == "3"  # the first week: facebook
    assert "Still counting" not in opened[-1]
    assert figure(opened[-1], "signatures submitted") == "5"
    with database(app) as session:
        counted = sorted(
            (t.dimension, t.key, t.signed, t.confirmed)
            for t in session.scalars(select(PetitionTally))
        )
    assert runner.invoke(args=["petitions", "recount", PETITION]).exit_code == 0
    with database(app) as session:
        rebuilt = sorted(
            (t.dimension, t.key, t.signed, t.confirmed)
            for t in session.scalars(select(PetitionTally))
        )
    assert counted == rebuilt


def confirmed_now(app, client, runner, email: str) -> None:
    """A supporter signs and presses the emailed button, this minute."""
    client.post(SIGN_URL, json=supporter(email=email))
    send_mail(runner)
    [message] = [m for m in mailbox(app) if m["To"] == email]
    assert client.post(confirm_path(message)).status_code == 200


def test_an_organiser_who_synthesized_signatures_sees_figures_that_agree(app, client, runner):
    arrive(app, client, 2, "newsletter")
    staff = console_client(app, "organiser")
    dashboard(staff)  # tallied once: the synthetic signatures are dated before its mark
    load_congress(app)
    for status, n in (("validated", 3000), ("pending", 40)):
        made = runner.invoke(args=["signatures", "synthesize", str(n), "--petition", PETITION,
                                   "--status", status, "--seed", "1"])  # fmt: skip
        assert made.exit_code == 0, made.output
    client.post(SIGN_URL, json=supporter(email="just-signed@example.org"))
    confirmed_now(app, client, runner, "just-confirmed@example.org")

    page = dashboard(staff)
    confirmed, waiting = 2 + 3000 + 1, 40 + 1
    assert figure(page, "confirmed signatures") == f"{confirmed:,}"
    assert figure(page, "waiting for confirmation") == f"{waiting:,}"
    assert figure(page, "signatures submitted") == f"{confirmed + waiting:,}"
    assert figure(page, "of submissions confirmed") == "99%"  # 3,003 of 3,044
    assert f"Confirmed signatures by state. Confirmed: {confirmed:,} in all." in page
    assert "Progress to the goal: 1% of 250,000" in page
    assert client.get(f"/api/petitions/{PETITION}").get_json()["count"] == confirmed
    listed = runner.invoke(args=["petitions", "list"]).output.splitlines()
    assert f"{PETITION}\topen\t{confirmed}/250000\t" in "\n".join(listed)
    # The charts count up to two minutes ago: everyone but the two of this minute (seed 1
    # dates no synthetic signer in the last hour).
    assert "Signatures per day (UTC). Signed: 3,042 in all; Confirmed: 3,002 in all." in page
    synthetic = page.split("Source (utm_source) as a table")[1].split("</table>")[0]
    assert re.search(r">synthetic</th><td[^>]*>3,040</td><td[^>]*>3,000</td>", synthetic)


def test_a_recount_after_synthesizing_changes_no_figure(app, client, runner):
    arrive(app, client, 2, "newsletter", confirm=False)
    staff = console_client(app, "editor")
    dashboard(staff)
    load_congress(app)
    made = runner.invoke(
        args=["signatures", "synthesize", "500", "--petition", PETITION, "--seed", "1"]
    )
    assert made.exit_code == 0, made.output
    before = every_figure(dashboard(staff))
    assert runner.invoke(args=["petitions", "recount", PETITION]).exit_code == 0
    assert every_figure(dashboard(staff)) == before
    assert before[0][2] == "502"  # submitted


def every_figure(page: str) -> tuple[list[str], list[str]]:
    """The figures at the top, and every chart's table (not the time the charts reach)."""
    return re.findall(r"<strong[^>]*>([^<]+)</strong>", page), re.findall(
        r"<table>.*?</table>", page, re.S
    )


def test_the_share_confirmed_is_never_rounded_to_all_or_none():
    from petition_api.console.dashboard import _rate

    assert [_rate(2999, 3000), _rate(1, 3000), _rate(3, 3), _rate(0, 3), _rate(0, 0)] == [
        ">99%", "<1%", "100%", "0%", "-",
    ]  # fmt: skip


def contrast_with_white(colour: str) -> float:
    """WCAG's contrast ratio of ``#rrggbb`` against white."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 1.05 / (0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2] + 0.05)


def chart_on(page: str, title: str) -> str:
    """A chart's figure, from its caption to the end of its picture."""
    return page.split(f"<figcaption>{title}</figcaption>")[1].split("</svg>")[0]


def test_an_organiser_tells_the_series_apart_by_a_legend_in_the_campaigns_colours(
    database_url, tmp_path
):
    families_first = {"primary": "#4051b5", "on_primary": "#ffffff", "accent": "#ff6e42",
                      "link": "#4051b5"}  # fmt: skip
    app = prepared_app(database_url, tmp_path, SITE_LOOK={"name": "Families First",
                                                          "colors": families_first})  # fmt: skip
    arrive(app, app.test_client(), 3, "newsletter")
    page = dashboard(console_client(app, "editor"))

    per_day = chart_on(page, "Signatures per day (UTC)")
    legend = re.findall(r'class="swatch" style="background:(#\w{6})"></span>(\w+)<', per_day)
    assert [name for _, name in legend] == ["Signed", "Confirmed"]
    signed, confirmed = (colour for colour, _ in legend)
    assert signed == "#4051b5"  # the campaign's link colour
    # Its accent, only darker, as far as a bar needs to stand out from white (3:1).
    assert contrast_with_white("#ff6e42") < 3 <= contrast_with_white(confirmed)
    red, green, blue = (int(confirmed[i : i + 2], 16) for i in (1, 3, 5))
    assert (
        red < 0xFF
        and abs(green / red - 0x6E / 0xFF) < 0.02
        and abs(blue / red - 0x42 / 0xFF) < 0.03
    )
    assert set(re.findall(r'<rect [^>]*fill="(#\w{6})"', per_day)) == {signed, confirmed}
    states = chart_on(page, "Confirmed signatures by state")  # one series: no legend
    assert 'class="legend"' not in states
    assert set(re.findall(r'<rect [^>]*fill="(#\w{6})"', states)) == {signed}
    app.extensions["engine"].dispose()


def test_a_synthetic_signer_of_a_minute_ago_is_counted_at_once(app, client, runner):
    load_congress(app)
    # Seed 5 draws one signer less than five minutes ago (the time a synthetic
    # signer takes to confirm) from the district table in ../shared/data.
    made = runner.invoke(
        args=["signatures", "synthesize", "1000", "--petition", PETITION, "--seed", "5"]
    )
    assert made.exit_code == 0, made.output
    with database(app) as session:
        newest = session.scalar(select(func.max(Signature.created_at)))
        latest = session.scalar(select(func.max(Signature.validated_at)))
    assert utcnow() - newest < timedelta(minutes=5)
    assert latest <= utcnow()  # confirmed by now, not in the future
    assert client.get(f"/api/petitions/{PETITION}").get_json()["count"] == 1000
