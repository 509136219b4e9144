# Two commands do all set-up: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
SCALE ?= small
DB ?= sqlite
FRACTION ?= 1

.PHONY: venv run test test-fast chromium lint format bench fuzz migrate seed clean

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

venv: $(BIN)/.installed

migrate: venv
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_demo --if-empty

# The web server and the report worker together; one Ctrl-C stops both (scripts/run.py).
run: venv
	DEBUG=$${DEBUG:-1} $(BIN)/python scripts/run.py --port $(PORT)

# The whole suite, browser tests included: they drive Debian's chromium, installed here
# when missing (never a browser downloaded by Playwright).
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1
test: venv chromium
	$(BIN)/python -m pytest

# The quick tier while working: no browser, no slow tests, the test database kept
# (on SQLite in var/test-fast.sqlite3; on PostgreSQL Django's test_<name>).
test-fast: venv
	SQLITE_TEST_NAME=$${SQLITE_TEST_NAME:-$(CURDIR)/var/test-fast.sqlite3} \
	  $(BIN)/python -m pytest -p no:cacheprovider --reuse-db -m "not browser and not slow"

chromium:
	@bash scripts/ensure-chromium.sh

# Property tests with fresh random seeds, FUZZ_RUNS times (CI runs them with a fixed seed).
FUZZ_RUNS ?= 20
fuzz: venv
	for i in $$(seq $(FUZZ_RUNS)); do \
	  HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest -q -p no:cacheprovider \
	    tuyengiao/trust/tests/test_fuzz.py tuyengiao/lib || exit 1; done

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy tuyengiao config conftest.py

format: venv
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: venv
	$(BIN)/python -m bench.run --scale $(SCALE) --db $(DB) --fraction $(FRACTION)

clean:
	rm -rf $(VENV) var/*.sqlite3* var/staticfiles
