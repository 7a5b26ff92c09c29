"""Configuration: documented defaults, layered as defaults < instance/config.py < FORUM_* env < overrides.

Imports nothing from the app.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

# Every setting the forum reads, with its default. Env vars FORUM_<NAME> override these
# (FORUM_DATABASE_URL and FORUM_SECRET_KEY map to the Flask names below).
DEFAULTS: dict[str, Any] = {
    # "production" refuses to start without a real SECRET_KEY and sets secure cookies.
    "FORUM_ENV": "development",
    "SECRET_KEY": None,
    # Embedded default: SQLite under instance/. Production: postgresql+psycopg://...
    "SQLALCHEMY_DATABASE_URI": None,
    "SQLALCHEMY_ENGINE_OPTIONS": {},
    # A pooled connection idle this long is pinged before use (0: on every checkout, like
    # pool_pre_ping); forum/connections.py.
    "FORUM_DB_PING_AFTER_SECONDS": 1.0,
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
    # Trust levels (forum/levels.py, after Discourse): 0 new, 1 basic, 2 member. Level 1 needs
    # this many days since registration and threads opened; level 2 also accepted answers.
    "FORUM_TRUST1_DAYS": 1,
    "FORUM_TRUST1_THREADS_READ": 5,
    "FORUM_TRUST2_DAYS": 14,
    "FORUM_TRUST2_THREADS_READ": 30,
    "FORUM_TRUST2_ACCEPTED": 1,
    # Reports of theirs that reviewers dismissed before a member loses a level.
    "FORUM_TRUST_DISMISSED_REPORTS": 3,
    # Distinct members of level 1+ whose scam reports hide a post pending review (one
    # report by a volunteer or staff hides it at once).
    "FORUM_SCAM_REPORTS_TO_HIDE": 2,
    # Limits for new members (level 0), counted in the database.
    "FORUM_NEW_POSTS_PER_DAY": 10,
    "FORUM_NEW_LINKS_PER_POST": 2,
    "FORUM_NEW_EDITS_PER_POST": 3,
    # The brand's own sites: links there are shown as verified and never held.
    "FORUM_OFFICIAL_DOMAINS": ["tokenpocket.pro"],
    # Sites a new member may link without review (block explorers).
    "FORUM_TRUSTED_LINK_DOMAINS": [
        "tronscan.org",
        "etherscan.io",
        "bscscan.com",
        "polygonscan.com",
        "arbiscan.io",
        "solscan.io",
        "mempool.space",
        "blockchair.com",
        "oklink.com",
    ],
    # Words a domain may not imitate (with typos, look-alike letters or "support" glued on).
    "FORUM_BRAND_DOMAIN_WORDS": ["tokenpocket", "tpwallet", "tp"],
    # May the asker accept an answer to their own question? Off: a scammer's "DM me"
    # answer must not become the solution; volunteers and staff accept instead.
    "FORUM_ASKER_CAN_ACCEPT": False,
    # Cache whole public pages for anonymous visitors, keyed by the content version
    # (forum/views/pagecache.py); always fresh, so on by default.
    "FORUM_PAGE_CACHE": True,
    # How stale a process's copy of the content version may get (ms): changes made by other
    # workers or hosts show on cached pages within this bound (0: check on every hit).
    "FORUM_PAGE_CACHE_RECHECK_MS": 250,
    "FORUM_THREADS_PER_PAGE": 25,
    "FORUM_POSTS_PER_PAGE": 30,
    "FORUM_CLAIM_MINUTES": 30,
    # Staff's target for a first reply on a private ticket.
    "FORUM_TICKET_TARGET_HOURS": 24,
    "FORUM_MAX_POST_CHARS": 20000,
    "FORUM_ACCEPT_RATE_LIMIT": "20 per hour",
    "FORUM_POST_RATE_LIMIT": "30 per hour",
    # Edits re-render Markdown like posts do: limited per account the same way.
    "FORUM_EDIT_RATE_LIMIT": "60 per hour",
    "FORUM_LOGIN_RATE_LIMIT": "10 per minute",
    # The log-in throttle, counted in the database (forum/throttle.py explains the design):
    # failed attempts within the window per (account, address), per address, and per account
    # from devices that never logged in to it.
    "FORUM_LOGIN_WINDOW_MINUTES": 15,
    "FORUM_LOGIN_PAIR_MAX": 5,
    "FORUM_LOGIN_ADDRESS_MAX": 30,
    "FORUM_LOGIN_ACCOUNT_MAX": 20,
    # Minimum zxcvbn score (0-4) of a new password; 3 = "safely unguessable" for slow hashes.
    "FORUM_PASSWORD_MIN_SCORE": 3,
    # Sessions end after this long without a request, and this long after log-in whatever
    # happens; "keep me logged in" lasts FORUM_REMEMBER_DAYS (at most 30).
    "FORUM_SESSION_IDLE_MINUTES": 120,
    "FORUM_SESSION_MAX_HOURS": 24,
    "FORUM_REMEMBER_DAYS": 30,
    # Staff and admins must use two-factor authentication (TOTP) before any staff page.
    "FORUM_STAFF_2FA": True,
    # Role changes and returning a ticket to public need the password or a code this recently.
    "FORUM_REAUTH_MINUTES": 10,
    # Send Strict-Transport-Security from the app (when TLS ends at a proxy that does not).
    "FORUM_HSTS": False,
    "FORUM_HSTS_SECONDS": 31536000,
    # Number of proxies in front of the app (X-Forwarded-* hops trusted by ProxyFix).
    "FORUM_PROXY_HOPS": 0,
    # The canonical address of the forum ("https://forum.example.com", no trailing path).
    # Absolute links (Atom feeds) are built from it, never from the request's Host header.
    # Required in production; development defaults to http://localhost:5000.
    "FORUM_BASE_URL": None,
    # Host names a request may name (Host / X-Forwarded-Host); anything else answers 400.
    # Empty: the base URL's host (plus localhost and 127.0.0.1 in development).
    # A name starting with "." also allows its subdomains. Env: FORUM_TRUSTED_HOSTS=a,b
    "TRUSTED_HOSTS": [],
    # --- e-mail (forum/mail.py; docs/deploy.md) ---
    # No server: messages are written as .eml files to FORUM_MAIL_DIR (default instance/mail/),
    # so development needs no mail server.
    "FORUM_MAIL_SERVER": None,
    "FORUM_MAIL_PORT": 25,
    # "none", "starttls" (usually port 587) or "tls" (implicit TLS, usually port 465).
    "FORUM_MAIL_SECURITY": "none",
    "FORUM_MAIL_USERNAME": None,
    "FORUM_MAIL_PASSWORD": None,
    "FORUM_MAIL_TIMEOUT": 20.0,
    "FORUM_MAIL_FROM": "TPWallet Community <noreply@localhost>",
    # Where members write for private support; ticket replies go to support+<token>@domain.
    "FORUM_MAIL_SUPPORT_ADDRESS": "support@localhost",
    "FORUM_MAIL_DIR": None,
    # "thread": each process delivers right after a commit that queued mail, in a background
    # thread (never in the request); "worker": only `flask forum send-mail` delivers.
    "FORUM_MAIL_DELIVERY": "thread",
    # Category (slug) of tickets opened by e-mail; empty: the first category.
    "FORUM_MAIL_TICKET_CATEGORY": "",
    "FORUM_MAIL_MAX_INBOUND_BYTES": 1_000_000,
    # Password-reset e-mails per hour, per account and per client address.
    "FORUM_RESET_PER_ACCOUNT": 3,
    "FORUM_RESET_PER_CLIENT": 10,
    "BABEL_DEFAULT_LOCALE": "en",
    "BABEL_DEFAULT_TIMEZONE": "UTC",
    "LANGUAGES": ["en", "zh"],
    # Where rate-limit counters live. memory:// counts per worker process (right for one
    # process: `make run`, tests); production with several workers or hosts needs a shared
    # store, e.g. redis://host:6379/0 (docs/deploy.md), or each worker allows the full rate.
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
    "FORUM_TRUSTED_HOSTS": "TRUSTED_HOSTS",
}
# FORUM_* variables read by tooling, not settings: create_app's instance path, the test
# suite's database and browser.
NOT_SETTINGS = frozenset({"FORUM_INSTANCE_PATH", "FORUM_TEST_DATABASE_URL", "FORUM_CHROMIUM"})
DEVELOPMENT_BASE_URL = "http://localhost:5000"


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
    """The FORUM_* variables of an environment, as typed settings; an unknown name (a typo
    such as FORUM_EVN) is an error, not silently ignored."""
    found: dict[str, Any] = {}
    unknown = []
    for key, raw in environ.items():
        if not key.startswith("FORUM_") or key in NOT_SETTINGS:
            continue
        name = ENV_ALIASES.get(key, key)
        if name not in DEFAULTS:
            unknown.append(key)
            continue
        found[name] = _coerce(raw, DEFAULTS[name])
    if unknown:
        raise ConfigError(f"Unknown settings in the environment: {', '.join(sorted(unknown))}")
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
    if not config.get("FORUM_MAIL_DIR"):
        config["FORUM_MAIL_DIR"] = str(instance / "mail")
    if config["FORUM_ENV"] not in ("production", "development"):
        raise ConfigError("FORUM_ENV must be production or development.")
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
    days = max(1, min(int(config["FORUM_REMEMBER_DAYS"]), 30))
    config["REMEMBER_COOKIE_DURATION"] = timedelta(days=days)
    _finish_base_url(config, production)


def _finish_base_url(config: dict[str, Any], production: bool) -> None:
    """Check the canonical base URL and derive the trusted hosts from it when not given."""
    base = config.get("FORUM_BASE_URL")
    if not base:
        if production:
            raise ConfigError("FORUM_ENV=production needs FORUM_BASE_URL (https://your.forum).")
        base = DEVELOPMENT_BASE_URL
    parsed = urlsplit(str(base))
    odd = parsed.path not in ("", "/") or parsed.query or parsed.fragment
    if parsed.scheme not in ("http", "https") or not parsed.hostname or odd:
        raise ConfigError("FORUM_BASE_URL must look like https://forum.example.com")
    config["FORUM_BASE_URL"] = str(base).rstrip("/")
    if not config.get("TRUSTED_HOSTS"):
        hosts = [parsed.hostname]
        if not production:
            hosts += ["localhost", "127.0.0.1"]
        config["TRUSTED_HOSTS"] = list(dict.fromkeys(hosts))


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
