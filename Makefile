# 歌风 — common tasks. Every target first prepares .venv (scripts/bootstrap: quick when up to date).
#   make start             install, migrate, load the demo county, serve on http://127.0.0.1:8000/
#   make test              every test: SQLite, PostgreSQL, end-to-end in Chromium (scripts/test)
#   make test ARGS="tests/orgs -x"   a quick run of some tests (SQLite only)
#   make check             lint + types + migrations-check + test (what CI runs, see .ci/run)
#   make bundle            the offline install archive for an intranet server (dist/, scripts/bundle)
#   make check-install     prove the install: lock fidelity, the bundle offline (scripts/check-install)
SHELL := /bin/bash
VENV := .venv/bin
ARGS ?=

.PHONY: bootstrap start test lint types migrations-check check bundle check-install

bootstrap:
	@scripts/bootstrap

start:
	scripts/start

test:
	scripts/test $(ARGS)

lint: bootstrap
	$(VENV)/ruff check .
	$(VENV)/ruff format --check .

types: bootstrap
	$(VENV)/mypy src

migrations-check: bootstrap
	$(VENV)/gefeng makemigrations --check --dry-run

check: lint types migrations-check test

bundle:
	scripts/bundle

check-install:
	scripts/check-install
