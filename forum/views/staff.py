"""Staff pages that are not about one thread: the support-quality dashboard (charts, tables,
CSV export, the threads behind a number) and the daily digest."""

from __future__ import annotations

import csv
import io
from datetime import date

from flask import Blueprint, Response, abort, render_template, request
from flask_login import current_user, login_required

from .. import trends
from .dashboard import TABLES, charts, table

bp = Blueprint("staff", __name__, url_prefix="/staff")
HELPERS_SHOWN = 50  # the busiest helpers on the page; "show all" and the CSV have everyone


def _date_arg(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


def _chosen() -> tuple[trends.Period, int | None]:
    category = request.args.get("category", type=int)
    return trends.period(_date_arg("from"), _date_arg("to")), category


@bp.get("/metrics")
@login_required
def metrics_page():
    chosen, category = _chosen()
    board = trends.dashboard(current_user, chosen, category)
    limit = None if request.args.get("helpers") == "all" else HELPERS_SHOWN
    tables = {name: table(name, board, limit=limit) for name in TABLES}
    return render_template(
        "staff/metrics.html", board=board, tables=tables, charts=charts(board), category=category,
        helpers_cut=limit is not None and len(board.helpers) > limit,
    )  # fmt: skip


@bp.get("/metrics.csv")
@login_required
def metrics_csv():
    name = request.args.get("table", "weeks")
    if name not in TABLES:
        abort(404)
    chosen, category = _chosen()
    head, rows = table(name, trends.dashboard(current_user, chosen, category), blank="")
    out = io.StringIO()
    csv.writer(out).writerows([head, *[[cell for cell, _link in row] for row in rows]])
    filename = f"{name}-{chosen.start}-{chosen.end}.csv"
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    return Response(out.getvalue(), mimetype="text/csv", headers=headers)


@bp.get("/metrics/threads")
@login_required
def drill_down():
    chosen, category = _chosen()
    kind = request.args.get("kind", "asked")
    kind = kind if kind in trends.DRILL_KINDS else "asked"
    found = trends.threads_behind(
        current_user, chosen, kind=kind, category_id=category,
        helper_id=request.args.get("helper", type=int),
    )  # fmt: skip
    return render_template("staff/drill.html", threads=found, chosen=chosen, kind=kind)


@bp.get("/digest")
@login_required
def digest():
    return render_template("staff/digest.html", d=trends.digest(current_user))
