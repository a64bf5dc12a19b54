"""A visitor opens a petition page: the page is counted, the visitor is not.

The beacon (POST /api/views) counts per petition, hour, variant and link tags,
in batches; known robots and bad requests change nothing; and after views and
reports, nothing in any table, nor in the rate limits' Redis, says who looked.
"""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from petition_api.counting import beacon, views
from petition_api.logs import GunicornLogger
from petition_api.models import Base, ViewTally, utcnow

from ..conftest import ROOT, database, prepared_app
from .console_support import console_client
from .support import PETITION, SIGN_URL, supporter

PAGE = f"/petitions/{PETITION}/"
CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"  # noqa: E501
VISITOR_IP = "203.0.113.77"
PRIVACY = (ROOT / "content" / "privacy.md").read_text(encoding="utf-8")


def look(client, page: str = PAGE, user_agent: str = CHROME, ip: str = VISITOR_IP, **fields):
    """The page's script reporting that the page was shown (a form post, as views.js sends)."""
    return client.post(
        "/api/views",
        data={"page": page, **fields},
        headers={"User-Agent": user_agent},
        environ_base={"REMOTE_ADDR": ip},
    )


def crowd(n: int):
    """n visitors' addresses (a surge comes from many networks)."""
    return (f"198.51.{i // 250}.{i % 250 + 1}" for i in range(n))


def written(app) -> int:
    """What the process holds goes to the database, as its timer does every few seconds."""
    return app.extensions["view_counter"].flush()


def counted(app) -> list[tuple]:
    with database(app) as session:
        rows = session.execute(
            select(
                ViewTally.variant,
                ViewTally.utm_source,
                ViewTally.utm_medium,
                ViewTally.utm_content,
                ViewTally.views,
            ).order_by(ViewTally.variant, ViewTally.utm_source, ViewTally.utm_content)
        )
        return [tuple(r) for r in rows]


def test_a_surge_of_visitors_adds_to_a_few_counts_not_a_row_each(app, client):
    for ip in crowd(300):
        tags = {"utm_source": "facebook", "utm_medium": "social", "utm_content": "day-1"}
        assert look(client, ip=ip, **tags).status_code == 204
    for ip in crowd(200):
        look(client, f"{PAGE}v/twelve-weeks/", variant="twelve-weeks", ip=ip)
    look(client, PAGE)
    assert counted(app) == []  # held in the process until its next write
    assert app.extensions["view_counter"].held() == 501
    assert written(app) == 501
    assert counted(app) == [
        ("", "", "", "", 1),
        ("", "facebook", "social", "day-1", 300),
        ("twelve-weeks", "", "", "", 200),
    ]
    with database(app) as session:
        hours = session.scalars(select(ViewTally.hour).distinct()).all()
    assert len(hours) <= 2  # two only if the clock passed an hour meanwhile
    for hour in hours:  # the server's clock, truncated: no view is kept to the minute
        assert (hour.minute, hour.second, hour.microsecond) == (0, 0, 0)
        assert timedelta(0) <= utcnow() - hour < timedelta(hours=1, minutes=1)
    for _ in range(5):
        look(client, utm_source="facebook", utm_medium="social", utm_content="day-1")
    written(app)
    assert ("", "facebook", "social", "day-1", 305) in counted(app)  # the same row, added to


def test_the_views_write_themselves_within_the_interval(database_url, tmp_path):
    app = prepared_app(database_url, tmp_path, VIEW_FLUSH_SECONDS=0.05)
    look(app.test_client())
    deadline = time.monotonic() + 10
    while not counted(app) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert counted(app) == [("", "", "", "", 1)]
    assert app.extensions["view_counter"].held() == 0
    app.extensions["engine"].dispose()


def test_views_a_database_could_not_take_wait_for_the_next_write(app, client):
    look(client)
    look(client)
    with database(app) as session:
        session.execute(text("ALTER TABLE view_tallies RENAME TO view_tallies_away"))
    assert written(app) == 0  # the write failed: the two views are kept
    assert app.extensions["view_counter"].held() == 2
    with database(app) as session:
        session.execute(text("ALTER TABLE view_tallies_away RENAME TO view_tallies"))
    assert written(app) == 2
    assert counted(app) == [("", "", "", "", 2)]


def test_known_robots_are_answered_like_anyone_and_not_counted(app, client):
    robots = [
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 HeadlessChrome/131.0 Safari/537.36",
        "curl/8.5.0",
        "python-requests/2.32",
        "",
    ]
    for robot in robots:
        assert look(client, user_agent=robot).status_code == 204
    look(client, user_agent="Mozilla/5.0 (Linux; Android 10; CUBOT_X30) Chrome/120 Mobile")
    written(app)
    assert counted(app) == [("", "", "", "", 1)]  # the phone, not the robots


def test_a_variant_page_counts_for_its_petition_and_an_unknown_page_is_refused(app, client):
    assert look(client, f"{PAGE}v/every-worker/", variant="every-worker").status_code == 204
    assert look(client, f"{PAGE}index.html").status_code == 204
    # A variant the petition does not declare counts as the page it was on, as a
    # signature records none: nobody can make up rows of the report.
    assert look(client, f"{PAGE}v/every-worker/", variant="made-up").status_code == 204
    assert look(client, PAGE, variant="made-up").status_code == 204
    unknown = ("/petitions/no-such-petition/", "/about/", f"{PAGE}v/", f"{PAGE}v/made-up/")
    for page in unknown:
        refused = look(client, page)
        assert refused.status_code == 422, page
        assert "is not the page of a petition on this site" in refused.json["errors"]["page"][0]
    no_page = look(client, "")
    assert no_page.json == {
        "errors": {"page": ["The page's path is required, starting with / (location.pathname)."]}
    }
    written(app)
    assert counted(app) == [("", "", "", "", 2), ("every-worker", "", "", "", 2)]


def test_what_is_not_a_view_is_refused_with_a_reason_and_changes_nothing(app, client):
    def post(**options):
        return client.post("/api/views", headers={"User-Agent": CHROME}, **options)

    too_big = post(data={"page": PAGE, "utm_content": "x" * 3000})
    assert too_big.status_code == 413
    assert too_big.json["error"]["message"] == "A view is at most 2048 bytes."
    plain = post(data=f"page={PAGE}", content_type="text/plain")
    assert plain.status_code == 415
    assert "application/x-www-form-urlencoded" in plain.json["error"]["message"]
    not_text = post(json={"page": PAGE, "variant": ["a", "b"], "utm_source": 3})
    assert not_text.status_code == 400
    assert not_text.json["error"]["message"] == "These fields must be text: utm_source, variant."
    assert post(json=["page", PAGE]).status_code == 400
    assert post(data="[" * 1500, content_type="application/json").status_code == 400
    assert written(app) == 0 and counted(app) == []
    # JSON is accepted too, for programs; a tag too long is cut, not refused.
    assert post(json={"page": PAGE, "utm_source": "s" * 150}).status_code == 204
    written(app)
    assert counted(app) == [("", "s" * 100, "", "", 1)]


def test_a_network_sending_too_many_views_is_slowed_and_they_are_not_counted(
    database_url, tmp_path
):
    app = prepared_app(database_url, tmp_path, LIMIT_VIEWS="3 per minute")
    client = app.test_client()
    answers = [look(client).status_code for _ in range(5)]
    assert answers == [204, 204, 204, 429, 429]
    written(app)
    assert counted(app) == [("", "", "", "", 3)]
    app.extensions["engine"].dispose()


def rows_of_every_table(app) -> str:
    with database(app) as session:
        return "\n".join(
            f"{table.name}: {tuple(row)}"
            for table in Base.metadata.sorted_tables
            for row in session.execute(select(table))
        )


@pytest.mark.postgresql
def test_after_views_and_reports_no_table_and_no_rate_limit_says_who_looked(
    database_url, tmp_path, redis_url
):
    import redis

    app = prepared_app(database_url, tmp_path, RATELIMIT_STORAGE_URI=redis_url)
    store = redis.Redis.from_url(redis_url)
    kept_before = {k.decode() for k in store.scan_iter("*")}  # other tests' limits
    client = app.test_client()
    client.set_cookie("tracker", "cookie-value-8c1f")
    client.post(SIGN_URL, json=supporter(email="signer@example.org", variant="twelve-weeks"))
    before = rows_of_every_table(app)
    for tags in ({}, {"utm_source": "newsletter", "utm_content": "maria.h@example.org"}):
        answer = client.post(
            "/api/views",
            data={"page": f"{PAGE}v/twelve-weeks/", "variant": "twelve-weeks", **tags},
            headers={"User-Agent": CHROME, "Referer": "https://referrer.example/secret-page"},
            environ_base={"REMOTE_ADDR": VISITOR_IP},
        )
        assert answer.status_code == 204 and "Set-Cookie" not in answer.headers
    written(app)
    staff = console_client(app, "editor")
    for by in ("variant", "source", "post"):
        assert staff.get(f"/admin/conversions?petition={PETITION}&by={by}").status_code == 200
        assert (
            app.test_cli_runner()
            .invoke(args=["report", "conversions", PETITION, "--by", by])
            .exit_code
            == 0
        )
    after = rows_of_every_table(app)
    added = set(after.splitlines()) - set(before.splitlines())
    by_table = {line.split(":", 1)[0] for line in added}
    # The views, the tallies the report brought up to date, and the console's own records.
    assert by_table <= {
        "view_tallies",
        "petition_tallies",
        "tally_marks",
        "staff_accounts",
        "audit_log",
    }
    viewed = [line for line in added if line.startswith("view_tallies")]
    assert len(viewed) == 2 and all("twelve-weeks" in line for line in viewed)
    assert any("(an email address)" in line for line in viewed)
    for personal in (
        VISITOR_IP,
        "Chrome/131",
        "Mozilla",
        "cookie-value-8c1f",
        "referrer.example",
        "maria.h@example.org",
    ):
        assert personal not in after, personal
    every_key = {k.decode() for k in store.scan_iter("*")}
    try:
        viewing = [k for k in every_key if "views.count_view" in k]
        assert viewing  # the limit counts networks...
        assert all("203.0.113" not in k for k in every_key)  # ...never by their address
        assert all(0 < store.ttl(k) <= 60 for k in viewing)  # for a minute at most
    finally:
        for key in every_key - kept_before:
            store.delete(key)
        store.close()
    app.extensions["engine"].dispose()


def test_the_access_log_of_a_view_names_nobody():
    class Config:  # what gunicorn's logger reads to set itself up
        errorlog = "-"
        accesslog = None
        loglevel = "info"
        syslog = False
        capture_output = False
        logconfig = logconfig_dict = logconfig_json = None
        access_log_format = '%(h)s "%(r)s" %(s)s "%(f)s" "%(a)s" %({x-forwarded-for}i)s'
        user = group = None
        umask = 0
        disable_redirect_access_to_syslog = False
        dogstatsd_tags = statsd_host = None

    logger = GunicornLogger(Config())
    environ = {
        "REQUEST_METHOD": "POST",
        "RAW_URI": "/api/views",
        "PATH_INFO": "/api/views",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": VISITOR_IP,
        "HTTP_USER_AGENT": CHROME,
        "HTTP_REFERER": "https://referrer.example/",
    }

    class Answer:
        status = "204 No Content"
        headers = ()
        sent = 0

    request_headers = [("X-Forwarded-For", VISITOR_IP), ("User-Agent", CHROME)]
    line = Config.access_log_format % logger.atoms(Answer(), request_headers, environ, timedelta(0))
    assert line == '- "POST /api/views HTTP/1.1" 204 "-" "-" -'
    signing = {**environ, "PATH_INFO": SIGN_URL, "RAW_URI": SIGN_URL}
    assert VISITOR_IP in Config.access_log_format % logger.atoms(
        Answer(), request_headers, signing, timedelta(0)
    )


def test_the_privacy_notice_says_what_a_view_keeps_and_the_code_keeps_that():
    notice = " ".join(
        PRIVACY.split("## When you look at a petition page", 1)[1].split("##", 1)[0].split()
    )
    named = re.findall(r"`(utm_\w+)`", notice)
    assert named == list(beacon.FIELDS[2:])  # the codes named are the codes sent and kept
    kept = {c.name for c in ViewTally.__table__.columns}
    assert kept == {"petition_id", "hour", "variant", *named, "views"}  # and nothing else
    assert "for that petition, version, codes and hour" in notice
    assert (
        "We do not keep your IP address, your browser's name or version (its user agent)" in notice
    )
    assert "no cookie is sent with it or set by it" in notice
    assert "a scrambled form of its address (never the address) for one minute" in notice
    assert re.fullmatch(r"\d+ per minute", app_default("LIMIT_VIEWS"))
    assert "leave known robots out of the count" in notice and beacon.is_robot("Googlebot/2.1")
    assert "looks like an email address" in notice and beacon.AN_EMAIL == "(an email address)"
    assert "The counts are approximate" in notice
    with_views = (ROOT / "campaign_site" / "theme" / "assets" / "campaign" / "views.js").read_text()
    assert 'credentials: "omit"' in with_views and "cookie" not in with_views.split("*/", 1)[1]
    assert sorted(re.findall(r'body\.set\("(\w+)"', with_views)) == ["page", "variant"]
    assert re.search(r'var TAGS = \["utm_source", "utm_medium", "utm_content"\]', with_views)


def app_default(name: str) -> str:
    from petition_api.config import SETTINGS

    return next(s.default for s in SETTINGS if s.name == name)


def test_a_crowd_of_made_up_tags_is_counted_without_a_row_each(app, client, monkeypatch):
    monkeypatch.setattr(views, "MAX_KEYS", 3)
    for n in range(10):
        look(client, utm_source=f"made-up-{n}")
    written(app)
    crowded = views.OVERFLOW
    assert sum(v for *_, v in counted(app)) == 10
    assert ("", crowded, crowded, crowded, 7) in counted(app)
    with database(app) as session:
        assert session.scalar(select(func.count()).select_from(ViewTally)) == 4


def test_an_attacker_cannot_stop_a_process_counting_views_with_one_lone_surrogate(app, client):
    look(client, utm_source="facebook")  # a real visitor's view, held in the process
    poison = client.post(
        "/api/views",
        data='{"page": "' + PAGE + '", "utm_source": "\\ud800"}',  # JSON's lone surrogate
        content_type="application/json",
        headers={"User-Agent": CHROME},
    )
    assert poison.status_code in (204, 400, 422)
    written(app)
    assert ("", "facebook", "", "", 1) in counted(app)  # the visitor's view is written


def test_a_visitor_whose_mail_tool_encoded_her_address_twice_is_not_kept(app, client):
    look(client, utm_content="rosa%40example.com")  # ?utm_content=rosa%2540example.com
    look(client, utm_content="rosa\uff20example.com")  # a fullwidth at sign
    written(app)
    assert not any("rosa" in cell for row in counted(app) for cell in row[:4])
