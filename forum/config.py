"""Configuration: documented defaults, layered as defaults < instance/config.py < FORUM_* env < overrides.

Imports nothing from the app.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

# Every setting the forum reads, with its default. Env vars FORUM_<NAME> override these
# (FORUM_DATABASE_URL and FORUM_SECRET_KEY map to the Flask names below).
DEFAULTS: dict[str, Any] = {
    # "production" refuses to start without a real SECRET_KEY and sets secure cookies.
    "FORUM_ENV": "development",
    "SECRET_KEY": None,
    # Embedded default: SQLite under instance/. Production: postgresql+psycopg://...
    "SQLALCHEMY_DATABASE_URI": None,
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    # Where this host keeps its own Whoosh indexes (default: instance/search).
    "FORUM_SEARCH_DIR": None,
    # Extra synonym groups an operator adds to the built-in glossary (same format).
    "FORUM_SYNONYMS_FILE": None,
    # How often each process applies outbox rows written by other processes or hosts
    # (seconds; 0 turns the poller off, as in tests).
    "FORUM_SEARCH_POLL_SECONDS": 1.0,
    "FORUM_NAME": "TPWallet Community",
    # Brand words a member's username may not imitate (folded, like the built-in staff words).
    "FORUM_BRAND_NAMES": ["tpwallet", "tokenpocket", "tp钱包"],
    # May the asker accept an answer to their own question? Off: a scammer's "DM me"
    # answer must not become the solution; volunteers and staff accept instead.
    "FORUM_ASKER_CAN_ACCEPT": False,
    # Cache whole public pages for anonymous visitors, keyed by the content version
    # (forum/views/pagecache.py); always fresh, so on by default.
    "FORUM_PAGE_CACHE": True,
    "FORUM_THREADS_PER_PAGE": 25,
    "FORUM_POSTS_PER_PAGE": 30,
    "FORUM_CLAIM_MINUTES": 30,
    # Staff's target for a first reply on a private ticket.
    "FORUM_TICKET_TARGET_HOURS": 24,
    "FORUM_MAX_POST_CHARS": 20000,
    "FORUM_ACCEPT_RATE_LIMIT": "20 per hour",
    "FORUM_POST_RATE_LIMIT": "30 per hour",
    "FORUM_LOGIN_RATE_LIMIT": "10 per minute",
    # Number of proxies in front of the app (X-Forwarded-* hops trusted by ProxyFix).
    "FORUM_PROXY_HOPS": 0,
    "BABEL_DEFAULT_LOCALE": "en",
    "BABEL_DEFAULT_TIMEZONE": "UTC",
    "LANGUAGES": ["en", "zh"],
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_HEADERS_ENABLED": False,
    "WTF_CSRF_TIME_LIMIT": None,  # tokens live as long as the session they are bound to
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    # Images in posts and notes (forum/images.py): how many, how big, how they are read.
    "FORUM_MAX_IMAGES": 6,
    "FORUM_MAX_IMAGE_BYTES": 8 * 1024 * 1024,
    # More is refused as a decompression bomb (decoding 50 MP takes 150 MB of memory);
    # screenshots are 2-4 MP and most phone photos 12-50 MP.
    "FORUM_MAX_IMAGE_PIXELS": 50_000_000,
    # Stored images are downscaled to fit this square (phone screenshots are 1080-1440 wide).
    "FORUM_MAX_IMAGE_SIDE": 2560,
    # Tesseract reads text in images for the guard; missing or slower than this: held.
    "FORUM_TESSERACT_CMD": "tesseract",
    "FORUM_OCR_SECONDS": 15.0,
    # This host's copy of stored images (content-addressed, never stale; default
    # instance/media). The database stays the truth: hosts share nothing on disk.
    "FORUM_MEDIA_CACHE_DIR": None,
    "FORUM_UPLOAD_RATE_LIMIT": "60 per hour",
    # The whole request: a form without JavaScript sends up to 6 images of 8 MB at once
    # (with JavaScript each image is its own request). Werkzeug spools files to disk.
    "MAX_CONTENT_LENGTH": 6 * 8 * 1024 * 1024 + 2 * 1024 * 1024,
}

ENV_ALIASES = {
    "FORUM_DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "FORUM_SECRET_KEY": "SECRET_KEY",
    "FORUM_RATELIMIT_STORAGE_URI": "RATELIMIT_STORAGE_URI",
}


class ConfigError(RuntimeError):
    """The configuration cannot run safely (for example no SECRET_KEY in production)."""


def _coerce(raw: str, default: Any) -> Any:
    if isinstance(default, bool):
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, float):
        return float(raw)
    if isinstance(default, list):
        return [part.strip() for part in raw.split(",") if part.strip()]
    return raw


def from_environ(environ: dict[str, str]) -> dict[str, Any]:
    """The FORUM_* variables of an environment, as typed settings."""
    found: dict[str, Any] = {}
    for key, raw in environ.items():
        if not key.startswith("FORUM_"):
            continue
        name = ENV_ALIASES.get(key, key)
        found[name] = _coerce(raw, DEFAULTS.get(name))
    return found


def finish(config: dict[str, Any], instance_path: str) -> None:
    """Fill the derived defaults and refuse unsafe production settings."""
    instance = Path(instance_path)
    production = config["FORUM_ENV"] == "production"
    if not config.get("SQLALCHEMY_DATABASE_URI"):
        instance.mkdir(parents=True, exist_ok=True)
        config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'forum.db'}"
    if not config.get("FORUM_SEARCH_DIR"):
        config["FORUM_SEARCH_DIR"] = str(instance / "search")
    if not config.get("FORUM_MEDIA_CACHE_DIR"):
        config["FORUM_MEDIA_CACHE_DIR"] = str(instance / "media")
    if production:
        key = config.get("SECRET_KEY")
        if not key or len(str(key)) < 32:
            raise ConfigError("FORUM_ENV=production needs FORUM_SECRET_KEY (32+ random chars).")
        config["SESSION_COOKIE_SECURE"] = True
        config["REMEMBER_COOKIE_SECURE"] = True
    elif not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = _development_key(instance)


def _development_key(instance: Path) -> str:
    """A random key kept in instance/ so development sessions survive restarts."""
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / "secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # made by an earlier start, or by a sibling worker just now
        pass
    else:
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    return path.read_text().strip()
