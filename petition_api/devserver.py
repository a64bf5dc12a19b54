"""`make run`: the API, the built site and the mail worker in one process.

For development only; production runs gunicorn and `flask mail send`
separately (docs/pages/production.md).
"""

from __future__ import annotations

import argparse
import threading

from werkzeug.serving import run_simple

from . import create_app, logs
from .mail import worker as mail_worker


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()

    app = create_app()
    logs.redact_logger("werkzeug")  # its request lines would carry confirmation links
    stop = threading.Event()

    def work():
        with app.app_context():
            mail_worker.run(once=False, poll_seconds=0.5, stop=stop)

    worker = threading.Thread(target=work, name="mail-worker", daemon=True)
    worker.start()
    print(f"Groundswell on http://{args.host}:{args.port}/ (mail in {app.config['MAIL_DIR']})")
    try:
        run_simple(args.host, args.port, app, threaded=True, use_reloader=False)
    finally:
        stop.set()


if __name__ == "__main__":
    main()
