"""Accounts: register, authenticate, passwords, profiles, roles and suspension.

Domain functions take the actor explicitly; imports permissions, events, models, extensions,
passwords (hashing, strength), throttle (log-in attempts) and lookalikes (confusable names).
"""

from __future__ import annotations

import re
import unicodedata
from zoneinfo import available_timezones

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from . import lookalikes, passwords, permissions, throttle
from .errors import DomainError
from .events import audit
from .extensions import db
from .models import ROLE_RANK, Role, User

HASHER = passwords.HASHER
USERNAME_RE = re.compile(r"^[\w.-]{2,32}$")
# Words that make a name look official, checked after folding (see fold_name).
STAFF_WORDS = (
    "admin", "administrator", "support", "official", "moderator", "staff", "helpdesk",
    "service", "客服", "官方", "管理员", "管理", "版主", "工作人员", "官网",
)  # fmt: skip
# Letters and digits that impersonators use in place of Latin letters.
CONFUSABLES = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s",
     "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i",
     "ӏ": "l", "ο": "o", "α": "a", "ι": "i", "ν": "v", "κ": "k", "τ": "t", "l": "i"}
)  # fmt: skip


def username_key(name: str) -> str:
    """The form of a name used for uniqueness: NFKC, case-folded."""
    return unicodedata.normalize("NFKC", name).casefold()


def fold_name(name: str) -> str:
    """A name reduced to what it looks like: NFKC, no case, no spaces or punctuation,
    common look-alike letters and digits mapped to Latin letters."""
    folded = username_key(name).translate(CONFUSABLES)
    return "".join(ch for ch in folded if ch.isalnum())


def is_reserved(name: str) -> bool:
    """Whether a name imitates staff or the wallet's brand."""
    folded = fold_name(name)
    brands = current_app.config["FORUM_BRAND_NAMES"]
    words = (*STAFF_WORDS, *brands)
    return any(fold_name(word) in folded or lookalikes.contains_word(name, word) for word in words)


def hash_password(password: str) -> str:
    return passwords.hash_password(password)


def _check_password_rules(password: str, username: str = "") -> None:
    passwords.check(password, user_inputs=(username,) if username else ())


def _check_lookalike(name: str) -> None:
    """Refuse a mixed-script name, or one a reader cannot tell from a volunteer's or staff's."""
    if lookalikes.is_mixed_script(name):
        raise DomainError(
            _l("Please write your name in one script (Chinese with Latin letters is fine)."),
            field="username",
        )
    if lookalikes.collides_with(name, lookalikes.protected_users()):
        raise DomainError(
            _l("That name looks like a staff member's or volunteer's. Please choose another."),
            field="username",
        )


def _check_username(name: str, *, allow_reserved: bool) -> str:
    name = unicodedata.normalize("NFKC", name).strip()
    if not USERNAME_RE.match(name):
        raise DomainError(
            _l("Use 2–32 letters, digits, dots, dashes or underscores (Chinese is fine)."),
            field="username",
        )
    if not allow_reserved and is_reserved(name):
        raise DomainError(
            _l("That name looks like staff or the wallet's brand. Please choose another."),
            field="username",
        )
    if not allow_reserved:
        _check_lookalike(name)
    key = username_key(name)
    if db.session.scalar(select(User.id).where(User.username_key == key)) is not None:
        raise DomainError(_l("That name is taken."), field="username")
    return name


def register(
    username: str,
    password: str,
    *,
    email: str | None = None,
    locale: str | None = None,
    role: Role = Role.MEMBER,
    allow_reserved: bool = False,
    demo: bool = False,
) -> User:
    """Create an account; reserved names only through the operator's CLI, weak passwords only
    for the demo content (its password is printed for everyone anyway)."""
    name = _check_username(username, allow_reserved=allow_reserved)
    if not demo:
        _check_password_rules(password, name)
    user = User(
        username=name,
        username_key=username_key(name),
        email=(email or "").strip() or None,
        password_hash=hash_password(password),
        role=role,
        locale=locale,
    )
    db.session.add(user)
    db.session.commit()
    return user


def authenticate(
    username: str, password: str, *, address: str = "", known_device: bool = False
) -> User | None:
    """The user these credentials belong to, or None (same cost either way); raises
    throttle.Throttled after too many failures (see forum/throttle.py)."""
    key = username_key(username)
    throttle.check(throttle.PASSWORD, key, address, known_device=known_device)
    user = db.session.scalar(select(User).where(User.username_key == key))
    ok = passwords.verify(user.password_hash if user else None, password)
    throttle.record(throttle.PASSWORD, key, address, succeeded=ok)
    if not ok or user is None:
        return None
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        db.session.commit()
    return user


def end_sessions(user: User) -> None:
    """Make every session cookie of this user useless (logout everywhere)."""
    user.session_version = (user.session_version or 0) + 1
    db.session.commit()


def change_password(actor: User, current: str, new: str) -> None:
    """Change one's own password; all other sessions end."""
    if not passwords.verify(actor.password_hash, current):
        raise DomainError(_l("Your current password is not right."), field="current")
    _check_password_rules(new, actor.username)
    actor.password_hash = hash_password(new)
    actor.session_version = (actor.session_version or 0) + 1
    audit(actor, "password_change", actor)
    db.session.commit()


def update_profile(
    actor: User, target: User, *, bio: str, locale: str | None, timezone: str | None
) -> None:
    """Change the public bio and the language and time zone preferences."""
    permissions.require(permissions.can_edit_profile(actor, target))
    if locale and locale not in current_app.config["LANGUAGES"]:
        raise DomainError(_l("Unknown language."), field="locale")
    if timezone and timezone not in available_timezones():
        raise DomainError(_l("Unknown time zone."), field="timezone")
    target.bio = bio.strip()[:500]
    target.locale = locale or None
    target.timezone = timezone or None
    db.session.commit()


def set_locale(user: User, locale: str) -> None:
    """Remember a language choice on the account."""
    if locale in current_app.config["LANGUAGES"]:
        user.locale = locale
        db.session.commit()


def set_role(actor: User, target: User, role: str) -> None:
    """Give someone a new role; every change is audited."""
    permissions.require(permissions.can_change_role(actor, target, role))
    _check_promotion(target, Role(role))
    old = target.role
    target.role = Role(role)
    audit(actor, "role_change", target, old=old, new=role)
    db.session.commit()


def _check_promotion(target: User, role: Role) -> None:
    """A name that active accounts imitate cannot become a verified one: deal with those first."""
    if role == Role.MEMBER or target.role != Role.MEMBER:
        return
    others = lookalikes.everyone_like(target.username, exclude_id=target.id)
    if others:
        names = ", ".join(sorted(u.username for u in others)[:5])
        raise DomainError(
            _l(
                "Accounts with look-alike names exist (%(names)s). Suspend them first, so "
                "nobody can pass for this volunteer or staff member.",
                names=names,
            ),
            field="role",
        )


def set_suspended(actor: User, target: User, suspended: bool) -> None:
    """Suspend or restore an account; a suspension ends its sessions at once."""
    permissions.require(permissions.can_suspend(actor, target))
    target.is_suspended = suspended
    if suspended:
        target.session_version = (target.session_version or 0) + 1
    audit(actor, "suspend" if suspended else "unsuspend", target)
    db.session.commit()


def find_by_name(name: str) -> User | None:
    return db.session.scalar(select(User).where(User.username_key == username_key(name)))


def list_users(actor: User, *, page: int, query: str = "", role: str = ""):
    """Members for staff to manage, newest first, filtered by name part and role."""
    permissions.require(permissions.can_list_users(actor))
    stmt = select(User).order_by(User.id.desc())
    if query:
        pattern = "%" + username_key(query).replace("%", r"\%").replace("_", r"\_") + "%"
        stmt = stmt.where(User.username_key.like(pattern, escape="\\"))
    if role in ROLE_RANK:
        stmt = stmt.where(User.role == role)
    return db.paginate(stmt, page=page, per_page=50, error_out=False)


def find_by_id(user_id: int) -> User | None:
    return db.session.get(User, user_id)


def get_user(user_id: int) -> User:
    return permissions.require_found(db.session.get(User, user_id))


def operator_set_role(target: User, role: Role) -> None:
    """The operator's override from the command line (audited without an actor)."""
    _check_promotion(target, role)
    old = target.role
    target.role = role
    audit(None, "role_change", target, old=old, new=role, by="cli")
    db.session.commit()


def operator_set_password(target: User, password: str, *, by: str = "cli") -> None:
    """A reset without the old password, from the operator's command line or a checked e-mail
    link (emails.user_for_reset): new password, every session ends; audited."""
    _check_password_rules(password, target.username)
    target.password_hash = hash_password(password)
    target.session_version = (target.session_version or 0) + 1
    audit(None, "password_reset", target, by=by)
    db.session.commit()
