"""Who the actor is, and the two refusals (403 and 404) every predicate leads to."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from flask_login import AnonymousUserMixin
from sqlalchemy import BindParameter, Integer, bindparam
from werkzeug.exceptions import Forbidden, NotFound

from ..models import Post, Thread, User


class Anonymous(AnonymousUserMixin):
    """A visitor who is not logged in: reads public things, changes nothing."""

    id = None
    role = None
    rank = -1
    is_staff = False
    is_volunteer = False
    is_admin = False
    is_suspended = False
    username = ""
    trust_level = 0


Actor = User | Anonymous


@dataclass(frozen=True, slots=True)
class Viewer:
    """What the visibility filters read of an actor, without which actor it is: a statement
    built for a Viewer (its id is the `viewer_id` parameter) serves every actor of that kind,
    so hot statements are built once per process and run with the actor's id (issue 14). A
    filter that reads more of the actor fails here at once (no such attribute), not silently."""

    is_authenticated: bool
    is_staff: bool
    is_volunteer: bool
    is_suspended: bool

    @property
    def id(self) -> BindParameter[Any]:
        return bindparam("viewer_id", type_=Integer)


def viewer(user: Actor) -> Viewer:
    """The kind of viewer this actor is; run statements built for it with viewer_params."""
    return Viewer(bool(user.is_authenticated), user.is_staff, user.is_volunteer, user.is_suspended)


def viewer_params(user: Actor) -> dict[str, Any]:
    return {"viewer_id": user.id}


def _active(user: Actor | Viewer) -> bool:
    return bool(user.is_authenticated) and not user.is_suspended


def _is_asker(user: Actor, thread: Thread) -> bool:
    return user.is_authenticated and thread.author_id == user.id


def require(allowed: bool) -> None:
    """Raise 403 unless allowed (for things the actor can already see)."""
    if not allowed:
        raise Forbidden()


def require_visible(allowed: bool) -> None:
    """Raise 404 unless allowed: the existence of private things is not revealed."""
    if not allowed:
        raise NotFound()


_T = TypeVar("_T")


def require_found(thing: _T | None) -> _T:
    """The thing itself, or 404 when there is none (what callers get is not Optional)."""
    if thing is None:
        raise NotFound()
    return thing


def _is_author(user: Actor, post: Post) -> bool:
    return user.is_authenticated and post.author_id == user.id
