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
    "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
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
