"""The dashboard's tables and charts, defined once: the page and the CSV export read the same
columns, so an export always matches what staff saw."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .. import charts as chart_layout
from ..trends import Dashboard, Figures
from . import labels, page_language

Cell = tuple[str, str | None]  # text, and the link to the threads behind it (or None)


def _hours(value: float | None) -> str | None:
    return None if value is None else f"{value:.1f}"


def _share(value: float | None) -> str | None:
    return None if value is None else f"{value * 100:.0f}%"


def _avg(value: float | None) -> str | None:
    return None if value is None else f"{value:.2f}"


# (label, value of a bucket, drill-down kind or None)
FIGURE_COLUMNS: list[tuple[Any, Callable[[Figures], Any], str | None]] = [
    (_l("Asked"), lambda f: f.asked, "asked"),
    (_l("Answered"), lambda f: f.answered, None),
    (_l("Unanswered"), lambda f: f.asked - f.answered, "unanswered"),
    (_l("First response, median (h)"), lambda f: _hours(f.first_response_median), None),
    (_l("First response, p90 (h)"), lambda f: _hours(f.first_response_p90), None),
    (_l("To solution, median (h)"), lambda f: _hours(f.to_resolved_median), None),
    (_l("Resolution rate"), lambda f: _share(f.resolution_rate), "resolved"),
    (_l("Tickets opened"), lambda f: f.tickets_opened, None),
    (_l("Tickets resolved"), lambda f: f.tickets_resolved, None),
    (_l("Tickets past target"), lambda f: f.tickets_past_target, None),
    (_l("Ticket backlog (at end)"), lambda f: f.backlog, None),
    (_l("Speed"), lambda f: _avg(f.score("speed")), None),
    (_l("Professionalism"), lambda f: _avg(f.score("professionalism")), None),
    (_l("Patience and warmth"), lambda f: _avg(f.score("patience")), None),
    (_l("Ratings"), lambda f: f.ratings, None),
]
HELPER_COLUMNS: list[tuple[Any, Callable[[Figures], Any], str | None]] = [
    (_l("Threads helped"), lambda f: f.helped, "asked"),
    (_l("Accepted answers"), lambda f: f.resolved, None),
    (_l("Their first reply, median (h)"), lambda f: _hours(f.first_response_median), None),
    (_l("Ratings"), lambda f: f.ratings, None),
    (_l("Speed"), lambda f: _avg(f.score("speed")), None),
    (_l("Professionalism"), lambda f: _avg(f.score("professionalism")), None),
    (_l("Patience and warmth"), lambda f: _avg(f.score("patience")), None),
    (_l("Really solved"), lambda f: _share(f.really_solved), None),
]
TABLES = ("weeks", "categories", "helpers")


def table(
    name: str, board: Dashboard, blank: str = "—", limit: int | None = None
) -> tuple[list[str], list[list[Cell]]]:
    """A table's header and rows of (text, drill-down link) cells; `limit` keeps the first
    rows of the helpers table (the busiest helpers), the export has them all."""
    span = {"from": board.period.start.isoformat(), "to": board.period.end.isoformat()}
    if name == "helpers":
        head = [_("Helper"), _("Role")] + [str(label) for label, _v, _k in HELPER_COLUMNS]
        rows = []
        for user, f in board.helpers[:limit]:
            first: list[Cell] = [(user.username, None), (str(labels.role_label(user.role)), None)]
            rows.append(first + _cells(f, HELPER_COLUMNS, blank, {**span, "helper": user.id}))
        return head, rows
    head = [str(label) for label, _v, _k in FIGURE_COLUMNS]
    rows = []
    if name == "weeks":
        head = [_("Week of"), *head]
        for week, f in board.weeks:
            until = {"from": week.isoformat(), "to": week.isoformat()}
            rows.append([(week.isoformat(), None), *_cells(f, FIGURE_COLUMNS, blank, until)])
    else:
        head = [_("Category"), *head]
        for category, f in board.categories:
            where = {**span, "category": category.id}
            rows.append(
                [(category.name(page_language()), None), *_cells(f, FIGURE_COLUMNS, blank, where)]
            )
    return head, rows


def _cells(f: Figures, columns, blank: str, where: dict) -> list[Cell]:
    cells: list[Cell] = []
    base = url_for("staff.drill_down")  # once per row: a helpers table can have 1,000 rows
    for _label, value, kind in columns:
        shown = value(f)
        text = blank if shown is None else str(shown)
        link = f"{base}?{urlencode({'kind': kind, **where})}" if kind and shown else None
        cells.append((text, link))
    return cells


def charts(board: Dashboard) -> list[tuple[str, chart_layout.Chart]]:
    """The weekly charts, each titled; the weekly table is their data table."""
    labels_ = [week.strftime("%m-%d") for week, _f in board.weeks]
    weeks = [f for _week, f in board.weeks]

    def pct(v: float) -> str:
        return f"{v:.0f}%"

    return [
        (_("Questions asked and answered per week"), chart_layout.line_chart(labels_, [
            (_("Asked"), [f.asked for f in weeks]),
            (_("Answered"), [f.answered for f in weeks]),
        ])),
        (_("First response (hours): median and p90"), chart_layout.line_chart(labels_, [
            (_("Median"), [f.first_response_median for f in weeks]),
            (_("p90"), [f.first_response_p90 for f in weeks]),
        ], fmt=lambda v: f"{v:.1f}")),
        (_("Resolution rate"), chart_layout.line_chart(labels_, [
            (_("Resolution rate"), [None if f.resolution_rate is None else f.resolution_rate * 100 for f in weeks]),
        ], fmt=pct, y_max=100)),
        (_("Private tickets"), chart_layout.line_chart(labels_, [
            (_("Opened"), [f.tickets_opened for f in weeks]),
            (_("Past target"), [f.tickets_past_target for f in weeks]),
            (_("Backlog at week end"), [f.backlog for f in weeks]),
        ])),
        (_("Satisfaction (1-5)"), chart_layout.line_chart(labels_, [
            (_("Speed"), [f.score("speed") for f in weeks]),
            (_("Professionalism"), [f.score("professionalism") for f in weeks]),
            (_("Patience and warmth"), [f.score("patience") for f in weeks]),
        ], fmt=lambda v: f"{v:.1f}", y_max=5)),
    ]  # fmt: skip
