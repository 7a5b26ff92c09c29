"""The import rules of design.md, checked on the source: layers point one way."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORUM = ROOT / "forum"

# Domain modules: plain functions taking the actor; they do not import each other.
DOMAIN = {
    "accounts", "answers", "categories", "threads", "tickets", "moderation", "metrics",
    "notifications", "discovery", "ratings", "trends", "emails", "inbound",
    "twofactor", "publications", "trust", "media", "faq", "reading", "synonyms",
}  # fmt: skip
# Below the domain: policy, engines and helpers. They never import a domain module or views.
LOWER = {
    "permissions", "safety", "safety_phrases", "safety_english", "safety_chinese", "safety_keys",
    "markup", "contacts", "events", "posting", "models",
    "extensions", "errors", "config", "forms", "guarded_form", "charts", "guard",
    "mail", "mail_compose", "mail_tokens", "passwords", "throttle", "lookalikes",
    "links", "levels", "screening", "replies", "images", "attachments", "rights",
    "category_counts", "listing", "connections",
}  # fmt: skip
# plus the forum/search/ package (the Whoosh side and the outbox)
# Entry points that may use everything.
ENTRY = {"cli", "demo", "__init__"}
WEB_GLOBALS = {"request", "session", "flash", "current_user"}


def modules() -> dict[str, Path]:
    found = {}
    for path in FORUM.rglob("*.py"):
        rel = path.relative_to(FORUM).with_suffix("")
        found[".".join(rel.parts)] = path
    return found


def imports_of(path: Path) -> set[str]:
    """The forum modules (dotted, relative to forum/) and external top-level names imported."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = path.relative_to(FORUM).parent.parts
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                names.add(node.module or "")
                if node.module == "forum":  # `from forum import x` names the module forum.x
                    names |= {f"forum.{alias.name}" for alias in node.names}
                    names.discard("forum")
                continue
            base = list(package[: len(package) - (node.level - 1)])
            if node.module:
                base += node.module.split(".")
            for alias in node.names:
                names.add("forum." + ".".join([*base, alias.name]).strip("."))
                if base:
                    names.add("forum." + ".".join(base))
    return names


def forum_deps(path: Path) -> set[str]:
    deps = set()
    for name in imports_of(path):
        if name.startswith("forum."):
            deps.add(name.removeprefix("forum.").split(".")[0])
        elif name == "forum":
            deps.add("__init__")
    return deps


def test_every_module_is_classified():
    top = {name.split(".")[0] for name in modules()}
    unknown = top - DOMAIN - LOWER - ENTRY - {"views", "data", "translations"}
    unknown -= {"search"}
    assert not unknown, f"classify these modules in test_architecture: {unknown}"


@pytest.mark.parametrize("name", sorted(DOMAIN))
def test_domain_modules_do_not_import_each_other_or_views(name):
    path = FORUM / f"{name}.py"
    assert path.exists(), f"{name} is listed as a domain module but does not exist"
    deps = forum_deps(path)
    assert not (deps & (DOMAIN - {name})), f"{name} imports {deps & DOMAIN}"
    assert "views" not in deps and "cli" not in deps and "__init__" not in deps


def test_lower_layers_do_not_import_up():
    for name, path in modules().items():
        if name.split(".")[0] in LOWER | {"search"}:
            deps = forum_deps(path)
            upward = deps & (DOMAIN | ENTRY | {"views"})
            assert not upward, f"{name} imports {upward}"


def test_models_import_only_extensions():
    for path in (FORUM / "models").glob("*.py"):
        assert forum_deps(path) <= {"extensions", "models"}, path.name


def test_only_the_whoosh_shim_imports_whoosh_and_only_markup_bleach():
    for name, path in modules().items():
        external = {n.split(".")[0] for n in imports_of(path)}
        if "whoosh" in external:
            assert name == "search._whoosh", name
        if external & {"bleach", "markdown_it", "linkify_it"}:
            assert name == "markup", name


def test_only_views_touch_request_state():
    for name, path in modules().items():
        if name.startswith("views"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module in ("flask", "flask_login"):
                used = {alias.name for alias in node.names} & WEB_GLOBALS
                assert not used, f"{name} imports {used}"


def test_no_forum_module_imports_the_app_factory():
    # Only wsgi.py, tests and bench scripts build apps.
    for name, path in modules().items():
        assert "__init__" not in forum_deps(path), name


def test_safe_filter_only_on_sanitised_html():
    offenders = []
    for path in (ROOT / "templates").rglob("*"):
        if path.is_file():
            for match in re.finditer(r"([\w.\])'\"]+)\s*\|\s*safe", path.read_text("utf-8")):
                if not match.group(1).endswith("_html"):
                    offenders.append(f"{path.name}: {match.group(0)}")
    assert not offenders


# design.md: views about 20 lines, modules under 400.
MAX_VIEW_LINES = 20
MAX_MODULE_LINES = 400


def _body_lines(node: ast.FunctionDef) -> int:
    """A view's length: its body from the first statement to the last (the signature,
    decorators and docstring are not counted)."""
    body = node.body[1:] if ast.get_docstring(node) else node.body
    return body[-1].end_lineno - body[0].lineno + 1 if body else 0


def test_views_are_thin():
    offenders = []
    for path in (FORUM / "views").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if (
                isinstance(node, ast.FunctionDef)
                and any(
                    isinstance(d, ast.Call)
                    and getattr(d.func, "attr", "") in {"get", "post", "route"}
                    for d in node.decorator_list
                )
                and (length := _body_lines(node)) > MAX_VIEW_LINES
            ):
                offenders.append(f"{path.name}:{node.name} is {length} lines")
    assert not offenders


def test_modules_stay_small():
    for name, path in modules().items():
        lines = len(path.read_text(encoding="utf-8").splitlines())
        assert lines <= MAX_MODULE_LINES, f"{name} has {lines} lines: split it"
