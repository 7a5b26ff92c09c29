"""Home, the latest-threads list and the language switch."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from .. import accounts, faq, metrics, threads
from ..extensions import csrf
from ..threads import ListFilter
from . import LANG_COOKIE, enum_arg, place_arg, sitedata
from .listviews import thread_rows
from .safe_next import safe_next

bp = Blueprint("main", __name__)
bp.add_app_template_global(thread_rows)


@bp.get("/")
def index():
    return render_template(
        "main/index.html",
        categories=sitedata.categories(),
        latest=threads.latest(15),
        announcements=sitedata.announcements(),
    )


@bp.get("/latest")
def latest():
    filter_ = enum_arg("show", ListFilter, ListFilter.ALL)
    page = threads.latest_page(place_arg(), filter_, sitedata.categories())
    return render_template(
        "main/latest.html", page=page, filter=filter_, announcements=sitedata.announcements()
    )


@bp.get("/faq")
def faq_page():
    return render_template("main/faq.html", sections=faq.faq())


@bp.post("/lang")
@csrf.exempt
def switch_language():
    # Visitors' choice is a plain cookie (forging it only changes a language; keeping the form
    # token-free lets anonymous pages be cached); an account's choice is protected as usual.
    lang = request.form.get("lang", "")
    if current_user.is_authenticated:
        csrf.protect()
        accounts.set_locale(current_user, lang)
    response = redirect(safe_next(request.form.get("next")) or url_for("main.index"))
    if lang in current_app.config["LANGUAGES"]:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="Lax", httponly=True)
    return response


@bp.get("/feed.atom", defaults={"slug": None})
@bp.get("/c/<slug>/feed.atom")
def feed(slug: str | None):
    category = threads.get_category(slug) if slug else None
    items = faq.feed_items(category)
    body = render_template("main/feed.xml", items=items, category=category)
    return body, 200, {"Content-Type": "application/atom+xml; charset=utf-8"}


@bp.get("/healthz")
def healthz():
    report = metrics.health()
    healthy = report["database"] == "ok" and report["search"] == "ok"
    return jsonify(status="ok" if healthy else "error", **report), 200 if healthy else 503
