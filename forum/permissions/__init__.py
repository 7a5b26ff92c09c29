"""THE permission policy: every "who may" is a predicate here, plus the visibility filters.

Predicates are pure functions of (actor, object); they read models and app settings only.
Private things answer 404 (require_visible), other refusals 403 (require).
"""

from __future__ import annotations

from typing import Any

from . import content, staff
from .base import (
    Actor,
    Anonymous,
    Viewer,
    require,
    require_found,
    require_visible,
    viewer,
    viewer_params,
)
from .content import (
    can_accept,
    can_accept_post,
    can_claim,
    can_confirm_solution,
    can_delete_post,
    can_edit_post,
    can_flag,
    can_flag_for_staff,
    can_moderate,
    can_remove_attachment,
    can_reply,
    can_review,
    can_start_thread,
    can_upload_image,
    can_view_attachment,
    can_view_notes,
    can_view_post,
    can_view_thread,
    can_vote,
    can_watch,
    can_work_queue,
    public_posts,
    public_threads,
    visible_posts,
    visible_threads,
)
from .staff import (
    can_change_role,
    can_consent_publication,
    can_edit_glossary,
    can_edit_profile,
    can_escalate,
    can_hide_by_report,
    can_list_users,
    can_make_public,
    can_manage_categories,
    can_manage_ticket,
    can_open_private_question,
    can_post_unreviewed,
    can_rate,
    can_report_count,
    can_reset_two_factor,
    can_search_private,
    can_set_trust,
    can_suspend,
    can_view_audit,
    can_view_metrics,
    can_view_ratings_of,
    role_choices,
)

# Every predicate, by name, for the templates (`can.can_reply(...)`) and the permission table.
PREDICATES: dict[str, Any] = {
    name: fn
    for module in (content, staff)
    for name, fn in vars(module).items()
    if name.startswith("can_") and callable(fn) and fn.__module__ == module.__name__
}

__all__ = [
    "PREDICATES",
    "Actor",
    "Anonymous",
    "Viewer",
    "can_accept",
    "can_accept_post",
    "can_change_role",
    "can_claim",
    "can_confirm_solution",
    "can_consent_publication",
    "can_delete_post",
    "can_edit_glossary",
    "can_edit_post",
    "can_edit_profile",
    "can_escalate",
    "can_flag",
    "can_flag_for_staff",
    "can_hide_by_report",
    "can_list_users",
    "can_make_public",
    "can_manage_categories",
    "can_manage_ticket",
    "can_moderate",
    "can_open_private_question",
    "can_post_unreviewed",
    "can_rate",
    "can_remove_attachment",
    "can_reply",
    "can_report_count",
    "can_reset_two_factor",
    "can_review",
    "can_search_private",
    "can_set_trust",
    "can_start_thread",
    "can_suspend",
    "can_upload_image",
    "can_view_attachment",
    "can_view_audit",
    "can_view_metrics",
    "can_view_notes",
    "can_view_post",
    "can_view_ratings_of",
    "can_view_thread",
    "can_vote",
    "can_watch",
    "can_work_queue",
    "public_posts",
    "public_threads",
    "require",
    "require_found",
    "require_visible",
    "role_choices",
    "viewer",
    "viewer_params",
    "visible_posts",
    "visible_threads",
]
