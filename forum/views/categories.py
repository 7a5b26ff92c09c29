"""Category pages: the public threads of one category."""

from __future__ import annotations

from flask import Blueprint, render_template

from .. import threads
from ..threads import ListFilter
from . import enum_arg, place_arg, sitedata

bp = Blueprint("categories", __name__)


@bp.get("/c/<slug>")
def show(slug: str):
    category = sitedata.category(slug)
    filter_ = enum_arg("show", ListFilter, ListFilter.ALL)
    page = threads.category_page(category, place_arg(), filter_)
    return render_template("categories/show.html", category=category, page=page, filter=filter_)
