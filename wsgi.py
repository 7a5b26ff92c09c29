"""Entry point for gunicorn (`gunicorn wsgi:app`) and `flask --app wsgi`."""

from werkzeug.serving import WSGIRequestHandler

from forum import create_app

# `make run`'s development server would announce "Werkzeug/x.y Python/x.y" (gunicorn's
# banner is neutralised in gunicorn.conf.py).
WSGIRequestHandler.version_string = lambda self: "forum"  # type: ignore[method-assign]

app = create_app()
