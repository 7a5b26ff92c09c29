"""Categories: create, edit and reorder (admins), and the defaults every forum starts with.

Imports permissions, events, models.
"""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from . import permissions
from .errors import DomainError
from .events import audit
from .extensions import db
from .models import Category, User

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")

# The seed document's reasons to ask, plus staff announcements.
DEFAULTS = [
    ("account", "Account", "账户问题",
     "Creating a wallet, logging in, passwords and backups.", "创建钱包、登录、密码与备份。", False),
    ("transactions", "Transactions", "交易问题",
     "Transfers that are delayed, failed or missing.", "转账延迟、失败或资金未到账。", False),
    ("technical", "Technical support", "技术支持",
     "Crashes, installing and updating the app.", "闪退、安装与更新应用。", False),
    ("feedback", "Feedback & suggestions", "反馈与建议",
     "Ideas to make the wallet better.", "帮助我们改进钱包的想法。", False),
    ("announcements", "Announcements", "官方公告",
     "News from the team. Only staff start threads here.", "团队发布的消息，仅工作人员可发帖。", True),
]  # fmt: skip


def ensure_defaults() -> int:
    """Create the default categories on an empty forum; returns how many were made."""
    if db.session.scalar(select(func.count(Category.id))):
        return 0
    for position, (slug, en, zh, den, dzh, staff_only) in enumerate(DEFAULTS):
        db.session.add(
            Category(
                slug=slug, name_en=en, name_zh=zh, description_en=den,
                description_zh=dzh, position=position, staff_only=staff_only,
            )
        )  # fmt: skip
    db.session.commit()
    return len(DEFAULTS)


def save(actor: User, category: Category | None, **fields: object) -> Category:
    """Create a category (category=None) or change one; admins only, audited."""
    permissions.require(permissions.can_manage_categories(actor))
    slug = str(fields["slug"]).strip().lower()
    if not SLUG_RE.match(slug):
        raise DomainError(_l("Use lower-case letters, digits and dashes."), field="slug")
    clash = db.session.scalar(select(Category).where(Category.slug == slug))
    if clash is not None and clash is not category:
        raise DomainError(_l("Another category uses that address."), field="slug")
    creating = category is None
    if category is None:
        last = db.session.scalar(select(func.max(Category.position))) or 0
        category = Category(position=last + 1)
        db.session.add(category)
    category.slug = slug
    for name in ("name_en", "name_zh", "description_en", "description_zh"):
        setattr(category, name, str(fields.get(name) or "").strip())
    category.staff_only = bool(fields.get("staff_only"))
    db.session.flush()
    audit(actor, "category_create" if creating else "category_edit", category, slug=slug)
    db.session.commit()
    return category


def shift(actor: User, category: Category, step: int) -> None:
    """Move a category one place up (step=-1) or down (step=1) in the list."""
    permissions.require(permissions.can_manage_categories(actor))
    ordered = list(db.session.scalars(select(Category).order_by(Category.position, Category.id)))
    index = ordered.index(category)
    other = index + step
    if not 0 <= other < len(ordered):
        return
    ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, item in enumerate(ordered):
        item.position = position
    audit(actor, "category_move", category, step=step)
    db.session.commit()
