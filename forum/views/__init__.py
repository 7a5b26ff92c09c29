"""The web layer: blueprints, locale choice, security headers, error pages, template helpers.

Only this package touches request, session, flash and current_user.
"""

from __future__ import annotations

from enum import Enum
from typing import Any, TypeVar

from flask import (
    Flask,
    Request,
    current_app,
    flash,
    g,
    has_request_context,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale, get_translations
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError
from jinja2 import pass_context
from markupsafe import Markup
from sqlalchemy import Integer, bindparam, select
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import HTTPException, SecurityError
from werkzeug.routing import IntegerConverter, Map
from werkzeug.utils import cached_property

from .. import connections, guard, metrics, notifications, permissions
from .. import emails as emails_domain
from .. import threads as threads_domain
from ..errors import DomainError
from ..extensions import db, login_manager
from ..models import User, utcnow
from ..moderation import open_flag_count
from . import accesslog, labels, pagecache, sessions
from .lostwork import just_posted, too_many, unauthorized
from .paging import cursor_url, page_url
from .paging import page_arg as page_arg  # the views' import of them
from .paging import place_arg as place_arg
from .times import ago, until, when

E = TypeVar("E", bound=Enum)

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)


def register(app: Flask) -> None:
    app.url_map.converters["id"] = IdConverter
    from . import (
        admin,
        answers,
        auth,
        categories,
        chrome,
        emails,
        glossary,
        main,
        media,
        moderation,
        publication,
        ratings,
        review,
        search,
        staff,
        threads,
        tickets,
        twofactor,
        users,
    )  # fmt: skip

    blueprints = (
        main, auth, emails, users, categories, threads, answers, tickets, ratings, search, staff,
        moderation, admin, twofactor, publication, review, media, glossary,
    )  # fmt: skip
    for module in blueprints:
        app.register_blueprint(module.bp)
    app.jinja_env.globals.update(
        chrome_top=chrome.header_top,
        chrome_search=chrome.header_search,
        chrome_rest=chrome.header_rest,
        chrome_footer=chrome.footer,
    )
    login_manager.anonymous_user = permissions.Anonymous
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.unauthorized_handler(unauthorized)
    login_manager.user_loader(load_user)
    connections.install(app, reading_request)
    pagecache.install(app, select_locale)
    accesslog.install()
    app.request_class = CleanRequest
    app.url_value_preprocessor(clean_url_values)
    sessions.install(app)
    app.after_request(security_headers)
    app.after_request(refused_status)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(CSRFError, csrf_error)
    app.register_error_handler(DomainError, domain_error)
    # Templates translate dozens of strings per page: look the catalogue up once per request.
    # Added to the Environment at run time by the jinja2.ext.i18n extension Flask-Babel loads.
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        newstyle=True,
    )
    app.jinja_env.globals.update(_=template_gettext, gettext=template_gettext, url_for=fixed_url)
    app.jinja_env.globals.update(
        can=permissions.PREDICATES,
        lang=page_language,
        now=utcnow,
        page_url=page_url,
        cursor_url=cursor_url,
        here=here,
        absolute_url=absolute_url,
        os_label=labels.os_label,
        os_choices=labels.os_choices,
        contact_label=labels.contact_label,
        role_label=labels.role_label,
        ticket_status_label=labels.ticket_status_label,
        priority_label=labels.priority_label,
        reason_label=labels.reason_label,
        flag_reason_label=labels.flag_reason_label,
        can_roles=permissions.role_choices,
        notification_text=labels.notification_text,
        all_categories=threads_domain.all_categories,
        is_watching=lambda thread: emails_domain.is_watching(current_user, thread),
        open_reports=lambda: open_flag_count(current_user),
        expected_wait=metrics.expected_wait,
        expected_staff_wait=metrics.expected_staff_wait,
        trust_label=labels.trust_label,
        audit_label=labels.audit_label,
        audit_details=labels.audit_details,
        held_reasons=labels.held_reasons,
        image_url=media.image_url,
        pending_images=media.pending_images,
        just_posted=just_posted,
    )
    app.jinja_env.filters.update(
        ago=ago, until=until, when=when, duration=labels.duration, kind_label=labels.finding_label
    )


# Links without arguments (the header's and footer's, static files) per script root: a page
# builds a dozen or more. Bounded by the endpoints and static files, times the script roots.
_FIXED_URLS: dict[tuple[str, str, Any], str] = {}


def fixed_url(endpoint: str, **values: Any) -> str:
    """Templates' url_for: the same URL, remembered when it depends on nothing but the
    endpoint (and a static file's name)."""
    if values and (endpoint != "static" or len(values) != 1):
        return url_for(endpoint, **values)
    key = (request.script_root, endpoint, values.get("filename"))
    url = _FIXED_URLS.get(key)
    if url is None:
        url = url_for(endpoint, **values)
        if len(_FIXED_URLS) < 1024:
            _FIXED_URLS[key] = url
    return url


def unread_notifications() -> int:
    """The bell's count: the one a view already worked out (the thread page), else counted."""
    if "unread_notifications" not in g:
        g.unread_notifications = notifications.unread_count(current_user)
    return g.unread_notifications


# Every member's request loads its user: the statement is built once (issue 14).
USER_BY_ID = select(User).where(User.id == bindparam("user_id", type_=Integer))


def load_user(session_id: str) -> User | None:
    """Find the user of a session cookie; a cookie from before logout no longer matches."""
    user_id, _sep, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.scalars(USER_BY_ID, {"user_id": int(user_id)}).first()
    if user is None or user.session_version != int(version) or user.is_suspended:
        return None
    return user


def reading_request() -> bool:
    """Whether a GET or HEAD request is being served (its reads need no transaction)."""
    return has_request_context() and request.method in ("GET", "HEAD")


LANG_COOKIE = "lang"


def _translations():
    translations = g.get("forum_translations")  # one look through the proxy, not two
    if translations is None:
        translations = g.forum_translations = get_translations()
    return translations


# Template strings without variables, translated and escaped: (language, text, autoescape) ->
# the result. Bounded by the templates' strings times the languages.
_TEMPLATE_TEXTS: dict[tuple[str, str, bool], str] = {}


@pass_context
def template_gettext(context: Any, string: str, **variables: Any) -> str:
    """Jinja2's newstyle `_()` (the same result: translated, Markup when autoescaping, always
    %-formatted), with variable-free strings kept per language: a page has dozens."""
    autoescape = context.eval_ctx.autoescape
    key = (page_language(), string, autoescape)
    done = None if variables else _TEMPLATE_TEXTS.get(key)
    if done is None:
        text = _translations().ugettext(string)
        # As jinja2.ext does: catalogue text is template text; the variables get escaped.
        done = (Markup(text) if autoescape else text) % variables  # noqa: S704
        if not variables:
            _TEMPLATE_TEXTS[key] = done
    return done


def page_language() -> str:
    """The page's language code ("zh" or "en"), computed once per request (a page asks for it
    dozens of times: one look through the `g` proxy each)."""
    language = g.get("forum_language")
    if language is None:
        language = g.forum_language = get_locale().language
    return language


def select_locale() -> str:
    """The account's language, else the visitor's choice (a cookie), else the browser's."""
    languages = _languages()
    chosen = getattr(current_user, "locale", None) or request.cookies.get(LANG_COOKIE)
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages) or languages[0]


def select_timezone() -> str | None:
    return getattr(current_user, "timezone", None) or None


def _languages() -> list[str]:
    return current_app.config["LANGUAGES"]


def security_headers(response: Any) -> Any:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if current_app.config["FORUM_HSTS"]:  # when TLS ends at a proxy that does not send it
        seconds = current_app.config["FORUM_HSTS_SECONDS"]
        headers.setdefault("Strict-Transport-Security", f"max-age={seconds}; includeSubDomains")
    # Pages differ by language (browser or cookie) and by who is logged in.
    response.vary.add("Accept-Language")
    response.vary.add("Cookie")
    if getattr(g, "private_page", False):
        # Ticket pages: never cached, never leak their URL to another site.
        headers["Cache-Control"] = "no-store"
        headers["Referrer-Policy"] = "no-referrer"
    elif current_user.is_authenticated:
        headers.setdefault("Cache-Control", "private, no-cache")
    return response


class CleanRequest(Request):
    """Query arguments lose NUL and other control characters before anything reads them
    (PostgreSQL refuses NUL; the others only hide things). Form fields: forms.GuardedForm."""

    @cached_property
    def args(self) -> ImmutableMultiDict[str, str]:
        raw = super().args.items(multi=True)
        return ImmutableMultiDict((guard.clean(k), guard.clean(v)) for k, v in raw)


def clean_url_values(_endpoint: str | None, values: dict[str, Any] | None) -> None:
    """Text taken from the URL path loses control characters too (PostgreSQL refuses NUL)."""
    if values is None:
        return
    for name, value in values.items():
        if isinstance(value, str):
            values[name] = guard.clean(value)


def here() -> str:
    """This page's address for "come back here" links; without the query string when the
    guard refused something typed into it (the search box), so the page does not echo it."""
    return request.path if g.get("secret_refused") else request.full_path


def refused_status(response: Any) -> Any:
    """A form page shown again because the guard refused a secret answers 422."""
    if g.get("secret_refused") and response.status_code in (200, 400):
        response.status_code = 422
    return response


def flash_refusal(form: FlaskForm) -> None:
    """For forms answered by a redirect: say in both languages why nothing was saved."""
    if any(getattr(field, "secret_kinds", None) for field in form):
        flash(str(guard.SECRET_MESSAGE), "error")
        flash(OTHER_LANGUAGE_SECRET[page_language() == "zh"], "error")


# The refusal in the other language too, as on the post form's notice (threads/_guard.html).
OTHER_LANGUAGE_SECRET = {
    False: "内容包含钱包密钥信息（助记词或私钥），已删除，未保存任何内容。工作人员绝不会索要。",
    True: "It contained a wallet secret (a recovery phrase or private key) and nothing was "
    "saved. If you shared it anywhere, move your funds to a new wallet now. Staff will never "
    "ask for it.",
}


def http_error(error: HTTPException) -> Any:
    if error.code is None or error.code < 400:
        return error
    if isinstance(error, SecurityError):  # an untrusted Host: no URL can be built for it
        return _("Unknown host."), 400, {"Content-Type": "text/plain; charset=utf-8"}
    if error.code >= 500:
        db.session.rollback()  # the page below must not trip over the failed transaction
    if error.code == 429:
        return too_many(error)
    template = {403: "403", 404: "404"}.get(error.code, "error")
    if error.code >= 500:
        template = "500"
    return render_template(f"errors/{template}.html", error=error), error.code


def csrf_error(error: CSRFError) -> Any:
    return render_template("errors/csrf.html", error=error), 400


def domain_error(error: DomainError) -> Any:
    """A refusal no view caught: show its message on a page of its own, never a 500."""
    db.session.rollback()
    return render_template("errors/refused.html", error=error), 422


def show_error(error: DomainError, form: FlaskForm | None = None) -> None:
    """Put a domain refusal next to its field if the form has it, else flash it."""
    field = getattr(form, error.field, None) if form is not None and error.field else None
    if field is not None:
        field.errors = [*field.errors, str(error.message)]
    else:
        flash(str(error.message), "error")


def enum_arg(name: str, kind: type[E], default: E) -> E:
    """A query argument that must be one of an enum's values; anything else gives the default."""
    try:
        return kind(request.args.get(name, default))
    except ValueError:
        return default


# Ids in URLs and forms fit PostgreSQL's 32-bit integer columns; larger ones answer 404.
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<id:name>`: a positive database id (1 to 2^31-1); anything else is not found."""

    def __init__(self, url_map: Map) -> None:
        super().__init__(url_map, min=1, max=MAX_ID)


def int_arg(
    name: str, default: int | None = None, *, low: int = 0, high: int = MAX_ID
) -> int | None:
    """An integer query argument within [low, high]; anything else gives the default."""
    value = request.args.get(name, type=int)
    return value if value is not None and low <= value <= high else default


def absolute_url(endpoint: str, **values: Any) -> str:
    """An absolute link for use outside the page (feeds): the configured FORUM_BASE_URL, never
    the request's Host header, which a client controls."""
    return current_app.config["FORUM_BASE_URL"] + url_for(endpoint, **values)
