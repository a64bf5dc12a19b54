"""Counting: how many have signed, kept twice, for the public and for staff.

- counts.py: the public count, validated signatures per state (`petition_counts`),
  folded in batches once per refresh interval and cached until the next;
- facts.py: the public API that serves those counts (`GET /api/petitions[/<slug>]`),
  each answer built once per interval and served before Flask (CachedFacts);
- tallies.py: the staff dashboard's figures, submissions and confirmations per hour,
  state and source (`petition_tallies`), brought up to date when a dashboard opens;
- beacon.py and views.py: the first-party view beacon (`POST /api/views`) and the
  views it counts per petition, hour, variant and link tags (`view_tallies`), held in
  each process and written in batches.
"""

from flask import Flask

from . import beacon, views
from .facts import CachedFacts, bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.register_blueprint(beacon.bp)
    views.init_app(app)
    # On a surge everyone reloads the counter: cached answers skip Flask entirely.
    app.wsgi_app = CachedFacts(app)
