# Parley: `make demo` sets up and serves the demo site; `make test` runs the whole test suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1

.PHONY: demo install test lint bench bench-engine bench-posting bench-growth clean

$(BIN)/parley: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/parley

demo: install
	$(BIN)/parley migrate --noinput
	$(BIN)/parley seed_demo
	$(BIN)/parley seed_moderation_demo
	@echo "Parley is serving on http://$(HOST):$(PORT)/ (the seed article: http://$(HOST):$(PORT)/stories/pakistan-us-agree-on-joint-raids-wsj/)"
	$(BIN)/gunicorn parley.wsgi --bind $(HOST):$(PORT) --workers 2 --threads 4 --access-logfile -

test: install
	scripts/run-tests

lint: install
	$(BIN)/ruff check src tests training bench

bench: install
	$(BIN)/python bench/web.py

bench-engine: install
	$(BIN)/python bench/engine.py

bench-posting: install
	$(BIN)/python bench/posting.py

# Reads at 10k, 100k and 1M comments on PostgreSQL (databases built on first use, 1M: minutes).
bench-growth: install
	$(BIN)/python bench/growth.py

clean:
	rm -rf var .pytest_cache .ruff_cache
