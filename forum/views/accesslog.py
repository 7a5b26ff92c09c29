"""Request log lines of the development server (werkzeug, `make run`) without query strings:
a search query or anything else typed into a URL never reaches a log. gunicorn's access log
format (gunicorn.conf.py) leaves them out the same way."""

from __future__ import annotations

import logging
import re

# A request path in a log line, then its query string (up to a space, a quote or the end).
_QUERY = re.compile(r"(/[^\s\"'?]*)\?[^\s\"']*")


class DropQueryStrings(logging.Filter):
    """Rewrites each werkzeug record so that no URL in it keeps its query string."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "?" in message:
            record.msg, record.args = _QUERY.sub(r"\1", message), None
        return True


FILTER = DropQueryStrings()


def install() -> None:
    """Attach the filter to werkzeug's logger once (create_app may run several times)."""
    logger = logging.getLogger("werkzeug")
    if FILTER not in logger.filters:
        logger.addFilter(FILTER)
