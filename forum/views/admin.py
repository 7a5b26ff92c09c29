"""Admin and staff pages: people and roles, categories, the audit log."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import accounts, categories, moderation, permissions, threads
from ..errors import DomainError
from ..forms import CategoryForm, SearchForm
from . import page_arg, show_error
from .labels import role_label
from .safe_next import safe_next
from .sessions import recent_auth_required

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/users")
@login_required
def users():
    form, role = SearchForm(request.args), request.args.get("role", "")
    query = (form.q.data or "") if form.validate() else ""
    page = accounts.list_users(current_user, page=page_arg(), query=query, role=role)
    return render_template("admin/users.html", page=page, query=query, role=role)


@bp.post("/users/<id:user_id>/role")
@login_required
@recent_auth_required
def set_role(user_id: int):
    target = accounts.get_user(user_id)
    try:
        accounts.set_role(current_user, target, request.form.get("role", ""))
    except DomainError as error:
        show_error(error)
    else:
        flash(_("%(name)s is now %(role)s.", name=target.username, role=role_label(target.role)),
              "success")  # fmt: skip
    return redirect(safe_next(request.form.get("next")) or url_for("admin.users"))


@bp.post("/users/<id:user_id>/suspend")
@login_required
def suspend(user_id: int):
    target = accounts.get_user(user_id)
    accounts.set_suspended(current_user, target, request.form.get("suspend") == "1")
    flash(_("Saved."), "success")
    return redirect(url_for("admin.users"))


@bp.get("/categories")
@login_required
def category_list():
    permissions.require(permissions.can_manage_categories(current_user))
    return render_template("admin/categories.html", categories=threads.all_categories())


@bp.route("/categories/new", methods=["GET", "POST"], defaults={"slug": None})
@bp.route("/categories/<slug>/edit", methods=["GET", "POST"])
@login_required
def category_edit(slug: str | None):
    permissions.require(permissions.can_manage_categories(current_user))
    category = threads.get_category(slug) if slug else None
    form = CategoryForm(obj=category)
    if form.validate_on_submit():
        try:
            categories.save(current_user, category, **form.data)
        except DomainError as error:
            show_error(error, form)
        else:
            flash(_("The category is saved."), "success")
            return redirect(url_for("admin.category_list"))
    return render_template("admin/category_edit.html", form=form, category=category)


@bp.post("/categories/<slug>/move")
@login_required
def category_move(slug: str):
    step = -1 if request.form.get("direction") == "up" else 1
    categories.shift(current_user, threads.get_category(slug), step)
    return redirect(url_for("admin.category_list"))


@bp.get("/audit")
@login_required
def audit():
    action = request.args.get("action", "")
    page = moderation.audit_page(current_user, page=page_arg(), action=action)
    return render_template("admin/audit.html", page=page, action=action)
