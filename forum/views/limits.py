"""Rate limits on writes, counted per account (per address for visitors); staff are exempt
from the per-account limits. Values come from config, so operators and tests can set them.

Counters live in RATELIMIT_STORAGE_URI. The default, memory://, is one worker's memory: it
holds for a single process only; deployments with several workers or hosts must point it at
a shared store (Redis), as docs/deploy.md says, or each worker grants the full rate."""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app
from flask_limiter.util import get_remote_address
from flask_login import current_user

from ..extensions import limiter


def _account_key() -> str:
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return get_remote_address()


def _is_staff() -> bool:
    return bool(current_user.is_authenticated and current_user.is_staff)


def _setting(name: str) -> Callable[[], str]:
    return lambda: current_app.config[name]


def per_account(setting: str):
    """Limit a POST view to the configured rate per account; staff are exempt."""
    return limiter.limit(
        _setting(setting), key_func=_account_key, methods=["POST"], exempt_when=_is_staff
    )


def per_address(setting: str):
    """Limit a POST view to the configured rate per client address (log-in, registration)."""
    return limiter.limit(_setting(setting), methods=["POST"])
