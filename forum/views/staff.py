"""Staff pages that are not about one thread: support-quality figures."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from .. import metrics

bp = Blueprint("staff", __name__, url_prefix="/staff")


@bp.get("/metrics")
@login_required
def metrics_page():
    days = request.args.get("days", 30, type=int)
    days = days if days in (7, 30, 90, 365) else 30
    return render_template("staff/metrics.html", f=metrics.forum_figures(current_user, days))
