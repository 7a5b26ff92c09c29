"""The search glossary editor for staff: the thin HTTP face of forum/synonyms.py."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import permissions, synonyms
from ..errors import DomainError
from ..forms import GlossaryForm
from . import show_error

bp = Blueprint("glossary", __name__, url_prefix="/staff/glossary")


@bp.get("")
@login_required
def index():
    g.private_page = True
    overview = synonyms.overview(current_user, request.args.get("q", ""))
    return render_template("glossary/index.html", o=overview)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    permissions.require(permissions.can_edit_glossary(current_user))
    form = GlossaryForm(entries=request.args.get("entries", "")[: synonyms.MAX_QUERY])
    if form.validate_on_submit():
        try:
            synonyms.add(current_user, form.entries.data or "")
        except DomainError as error:
            show_error(error, form)
        else:
            flash(_("The group is saved. Search uses it once this host's indexes are rebuilt."), "success")  # fmt: skip
            return redirect(url_for("glossary.index"))
    return render_template("glossary/edit.html", form=form, group=None), 422 if form.errors else 200


@bp.route("/<id:group_id>/edit", methods=["GET", "POST"])
@login_required
def edit(group_id: int):
    group = synonyms.get(current_user, group_id)
    form = GlossaryForm(entries=group.entries.replace("|", " | "))
    if form.validate_on_submit():
        try:
            synonyms.edit(current_user, group, form.entries.data or "")
        except DomainError as error:
            show_error(error, form)
        else:
            flash(_("The group is saved. Search uses it once this host's indexes are rebuilt."), "success")  # fmt: skip
            return redirect(url_for("glossary.index"))
    return render_template(
        "glossary/edit.html", form=form, group=group
    ), 422 if form.errors else 200


@bp.route("/<id:group_id>/delete", methods=["GET", "POST"])
@login_required
def delete(group_id: int):
    group = synonyms.get(current_user, group_id)
    if request.method == "POST":  # CSRF is checked for every POST by the app
        synonyms.delete(current_user, group)
        flash(_("The group is deleted."), "success")
        return redirect(url_for("glossary.index"))
    return render_template("glossary/delete.html", group=group, entries=synonyms.entries_of(group))
