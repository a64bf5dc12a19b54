"""The product app plus one trivial route, for measuring the server's ceiling.

Benchmarks serve `bench.wsgi:app` so the ceiling (`GET /bench/hello`) runs on the
same app, the same hooks (origins, rate limiter), the same gunicorn settings as
the endpoints it is compared with. The product itself has no such route.
"""

from __future__ import annotations

from petition_api import create_app

app = create_app()


@app.get("/bench/hello")
def hello():
    return {"hello": "world"}
