# Two commands on a fresh machine: `make run` (set up + serve) and `make test` (set up + test).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 5000
HOST ?= 127.0.0.1
FLASK := $(BIN)/flask --app wsgi

.PHONY: setup lock run serve test test-fast lint format typecheck messages db demo chromium ocr clean flask user reindex

# The lock file pylock.toml (PEP 751): exact versions (what the suite last passed with), each
# file with its hash, so pip installs exactly those bytes or fails; then the project itself
# without resolving again. A new or replaced upstream release cannot change a fresh checkout.
$(STAMP): pyproject.toml pylock.toml
	$(PY) -m venv $(VENV) || { apt-get install -y -q python3-venv && $(PY) -m venv $(VENV); }
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r pylock.toml
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

# After changing dependencies in pyproject.toml: resolve again into uv.lock (the lock, for
# every platform and Python version), then export pylock.toml from it for pip (uv, in the venv).
lock: $(STAMP)
	$(BIN)/pip install --quiet uv
	$(BIN)/uv lock --quiet
	$(BIN)/uv export --frozen --quiet --format pylock.toml --extra dev --no-emit-project \
	  -o pylock.toml

# Compiled catalogues are build output (.gitignore); they follow the .po sources.
forum/translations/%/LC_MESSAGES/messages.mo: forum/translations/%/LC_MESSAGES/messages.po $(STAMP)
	$(BIN)/pybabel -q compile -i $< -o $@

setup: $(STAMP) forum/translations/zh/LC_MESSAGES/messages.mo ocr

# Text in uploaded images is read with Tesseract (English + Chinese); tests draw screenshots
# with DejaVu and WenQuanYi fonts. Without Tesseract uploads are held for staff (fail closed).
OCR_PACKAGES := tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-chi-tra fonts-dejavu-core fonts-wqy-microhei
ocr:
	@missing=$$(for p in $(OCR_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; \
	  else echo "Images need: sudo apt-get install $$missing" >&2; exit 1; fi; fi

# Absolute links (feeds) and the trusted Host names come from the canonical address.
run serve: export FORUM_BASE_URL ?= http://$(HOST):$(PORT)

# Migrate, create the default categories, bring the search index up to date.
db: setup
	$(FLASK) db upgrade
	$(FLASK) forum ensure-categories
	$(FLASK) forum search-sync

# Development only: demo content (with known demo passwords) into an empty forum.
demo: db
	$(FLASK) forum seed-demo
	$(FLASK) forum search-sync

run: demo
	@echo "Serving on http://$(HOST):$(PORT)/"
	$(FLASK) run --host $(HOST) --port $(PORT)

# Production-style: gunicorn with the settings in gunicorn.conf.py. Never seeds demo accounts:
# create the first admin with `flask --app wsgi forum create-user NAME --role admin`.
serve: db
	$(BIN)/gunicorn -c gunicorn.conf.py wsgi:app

# Browser tests drive Debian's Chromium; install it when we can (root on Debian).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; \
	  else echo "Browser tests need Debian's chromium: sudo apt-get install chromium" >&2; exit 1; fi; }

test: setup chromium
	$(BIN)/pytest -q

test-fast: setup
	$(BIN)/pytest -q -m "not browser"

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff format .

typecheck: setup
	$(BIN)/python -m mypy

messages: setup
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o forum/translations/messages.pot --no-location --sort-output .
	$(BIN)/pybabel update -i forum/translations/messages.pot -d forum/translations --ignore-obsolete --no-wrap

# `flask` commands need the virtualenv; these run them through it.
# make flask CMD="forum search-check"   |   make user NAME=alice ROLE=staff   |   make reindex
flask: setup
	$(FLASK) $(CMD)

user: setup
	$(FLASK) forum create-user $(NAME) --role $(or $(ROLE),member)

reindex: setup
	$(FLASK) forum reindex

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
