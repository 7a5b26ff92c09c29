"""The search page, the similar-questions endpoint, and staff search of tickets."""

from __future__ import annotations

from datetime import date

from flask import (
    Blueprint,
    abort,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import ngettext
from flask_login import current_user, login_required

from .. import discovery
from ..discovery import Filters
from ..forms import SearchForm, SimilarForm
from . import page_arg, page_language, sitedata
from .threads import links

bp = Blueprint("search", __name__)
SEARCH_ID, THREAD_ID = 2147483646, 2147483647  # placeholders, replaced in the link patterns
_REPLIES: dict[tuple[str, int], str] = {}  # (language, count) -> "3 replies"


class ResultLinks:
    """A results list's links and texts, as url_for and ngettext give them: the thread and
    user links from the page's link patterns (threads.links), the opening link's pattern
    built once per request (url_for per result was a good part of the page's time)."""

    def __init__(self) -> None:
        opened = url_for("search.open_result", search_id=SEARCH_ID, thread_id=THREAD_ID)
        self._opened = opened.replace(str(SEARCH_ID), "{0}").replace(str(THREAD_ID), "{1}")
        self._links = links()
        self._language = page_language()

    def result(self, search_id: int | None, thread_id: int, post_id: int | None) -> str:
        """Through search.open_result when the search was recorded, with the answer's post."""
        if search_id:
            link = self._opened.format(search_id, thread_id)
            return f"{link}?p={post_id}" if post_id else link
        link = self._links.thread.format(thread_id)
        return f"{link}#p{post_id}" if post_id else link

    def user(self, username: str) -> str:
        return self._links.user(username)

    def replies(self, count: int) -> str:
        key = (self._language, count)
        text = _REPLIES.get(key)
        if text is None:
            text = ngettext("%(num)d reply", "%(num)d replies", count)
            if len(_REPLIES) < 4096:
                _REPLIES[key] = text
        return text


@bp.app_template_global()
def result_links() -> ResultLinks:
    """This request's ResultLinks (made on first use)."""
    if "result_links" not in g:
        g.result_links = ResultLinks()
    return g.result_links


def _date(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


def _filters(categories) -> Filters:
    slugs = set(request.args.getlist("category"))
    solved = {"yes": True, "no": False}.get(request.args.get("solved", ""))
    return Filters(
        category_ids=tuple(c.id for c in categories if c.slug in slugs),
        solved=solved,
        date_from=_date("from"),
        date_to=_date("to"),
        sort="newest" if request.args.get("sort") == "newest" else "relevance",
    )


def _query() -> tuple[SearchForm, str]:
    """The search box's query; empty (so it is not run) when the guard refused it."""
    form = SearchForm(request.args)
    return form, (form.q.data or "") if form.validate() else ""


@bp.get("/search")
def index():
    form, query = _query()
    categories = sitedata.categories()  # once: the filters and the page both use them
    results = discovery.search(current_user, query, _filters(categories), page=page_arg())
    return render_template(
        "search/index.html", results=results, page=results, categories=categories,
        args=request.args, form=form,
    )  # fmt: skip


@bp.post("/search/similar.json")
@login_required
def similar():
    """Similar questions for the title being typed: POST, so the title is in no URL or log."""
    form = SimilarForm()
    found = discovery.similar(current_user, form.title.data or "") if form.validate() else []
    response = jsonify(
        [
            {
                "title": r.thread.title,
                "url": url_for("threads.show", thread_id=r.thread.id),
                "solved": r.thread.is_solved,
                "replies": r.thread.reply_count,
            }
            for r in found
        ]
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/staff/search")
@login_required
def tickets():
    g.private_page = True
    form, query = _query()
    results = discovery.search_tickets(current_user, query, page=page_arg())
    return render_template("search/tickets.html", results=results, page=results, form=form)


@bp.get("/search/open/<id:search_id>/<id:thread_id>")
def open_result(search_id: int, thread_id: int):
    """A result link: note which result a search led to (analytics), then go to the thread."""
    if not 0 < thread_id < 2**31:
        abort(404)
    discovery.open_result(current_user, search_id, thread_id)
    post = request.args.get("p", type=int)
    anchor = f"p{post}" if post and 0 < post < 2**31 else None
    return redirect(url_for("threads.show", thread_id=thread_id, _anchor=anchor))


@bp.get("/staff/search-analytics")
@login_required
def analytics():
    g.private_page = True
    weeks = request.args.get("weeks", 4, type=int)
    weeks = weeks if weeks in (1, 4, 12) else 4
    return render_template("staff/search_analytics.html", weeks=discovery.search_report(current_user, weeks), span=weeks)  # fmt: skip
