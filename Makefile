# Parley: `make demo` sets up and serves the demo site; `make test` runs the whole test suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1

.PHONY: demo prod install test soak soak-fuzz lint bench bench-engine bench-posting bench-pg-posting bench-import bench-growth clean

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

# The production stack in the foreground: gunicorn, a Celery worker and beat, on PostgreSQL and
# Redis (DATABASE_URL, REDIS_URL; see README "Production"). Ctrl-C stops it all.
$(VENV)/.prod-installed: pyproject.toml $(BIN)/parley
	$(BIN)/pip install --quiet -e '.[dev,prod]'
	touch $@

prod: $(VENV)/.prod-installed
	$(BIN)/python -m parley serve --production $(PROD_ARGS)

test: install
	scripts/run-tests

# The fault tests with more load (seconds per load phase, posting threads), on SQLite and
# PostgreSQL, then 200 concurrent posters on PostgreSQL with the engine on.
SOAK_SECONDS ?= 15
SOAK_CONCURRENCY ?= 32
SOAK_POSTERS ?= 200
soak: install
	PARLEY_FAULTS_SECONDS=$(SOAK_SECONDS) PARLEY_FAULTS_CONCURRENCY=$(SOAK_CONCURRENCY) \
	  scripts/run-tests tests/faults -s -p no:cacheprovider
	$(BIN)/python bench/pg_posting.py --posters $(SOAK_POSTERS) --duration $(SOAK_SECONDS)

lint: install
	$(BIN)/ruff check src tests training bench

# The schemathesis fuzz of the whole OpenAPI schema with many more examples than `make test`
# gives it (PARLEY_FUZZ_EXAMPLES per generation mode and operation), and the hostile probes.
FUZZ_EXAMPLES ?= 300
soak-fuzz: install
	PARLEY_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/pytest -q -p no:cacheprovider \
		tests/web/test_fuzz_openapi.py tests/web/test_hostile_input.py

bench: install
	$(BIN)/python bench/web.py

bench-engine: install
	$(BIN)/python bench/engine.py

bench-posting: install
	$(BIN)/python bench/posting.py

bench-pg-posting: install
	$(BIN)/python bench/pg_posting.py

bench-import: install
	$(BIN)/python bench/import_disqus.py

# Reads at 10k, 100k and 1M comments on PostgreSQL (databases built on first use, 1M: minutes).
bench-growth: install
	$(BIN)/python bench/growth.py

clean:
	rm -rf var .pytest_cache .ruff_cache
