"""Screening a new member's post: why it would be held for review (links, contacts,
invitations to private chat, requests for the phrase, look-alike brand domains) and the limits
new accounts have. Imports contacts, links, levels, permissions, errors, models.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l

from . import contacts, levels, links, permissions
from .errors import DomainError
from .models import Post, User

REASONS = {
    "link": _l("it links to another site"),
    contacts.CONTACT: _l("it names a messenger, e-mail or phone contact"),
    contacts.INVITE: _l("it invites people to a private chat"),
    contacts.SECRET_REQUEST: _l("it asks for a recovery phrase or a key"),
    "brand_domain": _l("it links to a site that imitates our name"),
    "reports": _l("members reported it as a scam"),
}


def link_scan(text: str) -> links.LinkScan:
    """The links of a text sorted against the operator's allow-lists and brand words."""
    cfg = current_app.config
    return links.scan(
        text,
        official=tuple(cfg["FORUM_OFFICIAL_DOMAINS"]),
        trusted=tuple(cfg["FORUM_TRUSTED_LINK_DOMAINS"]),
        brands=tuple(cfg["FORUM_BRAND_DOMAIN_WORDS"]),
    )


def risks(text: str) -> list[str]:
    """Why a new member's text would be held: links, contacts, invitations, phrase requests,
    look-alike domains (codes of REASONS)."""
    found = set(contacts.findings(text))
    scanned = link_scan(text)
    if scanned.unlisted:
        found.add("link")
    if scanned.lookalikes:
        found.add("brand_domain")
    return sorted(found)


def screen(author: User, texts: list[str], *, public: bool) -> list[str]:
    """The reasons to hold this public post for review ([] to publish it). New members' look-alike
    brand domains and too many links are refused outright; others' look-alikes are held."""
    if not public or author.is_volunteer:
        return []
    levels.refresh(author)
    text = "\n".join(texts)
    reasons = risks(text)
    if permissions.can_post_unreviewed(author):
        return ["brand_domain"] if "brand_domain" in reasons else []
    if "brand_domain" in reasons:
        raise DomainError(
            _l("New accounts cannot link to sites that imitate our name. Staff never send "
               "you to another site to fix your wallet.")
        )  # fmt: skip
    limit = current_app.config["FORUM_NEW_LINKS_PER_POST"]
    if len(links.find(text)) > limit:
        raise DomainError(_l("New accounts may post at most %(n)d links at a time.", n=limit))
    return reasons


def check_daily_limit(author: User) -> None:
    """New members write a limited number of posts a day (counted in the database)."""
    if author.is_volunteer or permissions.can_post_unreviewed(author):
        return
    limit = current_app.config["FORUM_NEW_POSTS_PER_DAY"]
    if levels.posts_today(author) >= limit:
        raise DomainError(_l("New accounts may write %(n)d posts a day. Please come back tomorrow.",
                             n=limit))  # fmt: skip


def check_edit_limit(author: User, post: Post) -> None:
    """New members edit a post a limited number of times (counted on the post)."""
    if author.id != post.author_id or permissions.can_post_unreviewed(author):
        return
    limit = current_app.config["FORUM_NEW_EDITS_PER_POST"]
    if (post.edit_count or 0) >= limit:
        raise DomainError(_l("New accounts may edit a post %(n)d times.", n=limit))


@dataclass(frozen=True)
class Outbound:
    """What the interstitial shows about a link: where it goes, and whether that is ours."""

    url: str
    host: str
    domain: str
    official: bool
    lookalike: bool


def outbound(url: str) -> Outbound | None:
    """Describe an http(s) link for the interstitial (None for anything else)."""
    if not url.lower().startswith(("http://", "https://")) or len(url) > 2000:
        return None
    dest = links.destination(url)
    if dest is None:
        return None
    cfg = current_app.config
    official = tuple(cfg["FORUM_OFFICIAL_DOMAINS"])
    return Outbound(
        url=url,
        host=dest.host,
        domain=dest.registrable,
        official=links.on_list(dest, official),
        lookalike=links.imitates_brand(dest, tuple(cfg["FORUM_BRAND_DOMAIN_WORDS"]), official),
    )
