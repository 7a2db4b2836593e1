# The two commands: `make demo` and `make test`. Both set up .venv themselves.
VENV      := .venv
PY        := $(VENV)/bin/python
CARNET    := $(VENV)/bin/carnet
STAMP     := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
DEMO_DIR  ?= demo-data
DEMO_DB   ?= sqlite:///$(DEMO_DIR)/carnet.db
PEOPLE    ?= 5000
LAPOSTE   ?= ../shared/corpora/refdata/laposte_hexasmal.csv
PYTEST_ARGS ?=

.PHONY: demo test lint install clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

# The one-command tour: messy files in, a clean, checked, lawful customer file out.
demo: export CARNET_DATABASE_URL = $(DEMO_DB)
demo: export CARNET_ENCRYPTION_KEY ?= demo-only-not-a-secret-key
demo: export CARNET_SECRET_KEY ?= demo-only-not-a-secret
demo: $(STAMP)
	@mkdir -p $(DEMO_DIR)
	@rm -f $(DEMO_DIR)/carnet.db $(DEMO_DIR)/carnet.db-wal $(DEMO_DIR)/carnet.db-shm
	@echo "== 1. Generate messy demo data ($(PEOPLE) people, six sources)"
	$(CARNET) demo generate --people $(PEOPLE) --seed 42 $(DEMO_DIR)
	@echo "== 2. Create the workspace (SQLite) and load La Poste's postcode table if at hand"
	$(CARNET) init --profile b2c
	@if [ -f $(LAPOSTE) ]; then $(CARNET) refdata load postcodes $(LAPOSTE); \
	else echo "(no La Poste table at $(LAPOSTE): postcode/city cross-checks skipped)"; fi
	@echo "== 3. Import every file: mapping, verdicts per field, every row accounted for"
	$(CARNET) import --quiet $(DEMO_DIR)/eshop_customers.csv --id-column "N° client"
	$(CARNET) import --quiet $(DEMO_DIR)/event_signups.xlsx $(DEMO_DIR)/old_crm.csv \
		$(DEMO_DIR)/survey_answers.csv $(DEMO_DIR)/order_lines.csv $(DEMO_DIR)/newsletter.csv
	@echo "== 4. What the workspace holds"
	$(CARNET) stats
	$(CARNET) contacts list --limit 8
	$(CARNET) contacts show 1 --history
	@echo "== 5. Quality of the file before cleaning (scores, problems, the fixes offered)"
	$(CARNET) quality --snapshot
	@echo "== 6. Duplicates the exact keys missed (organisations, then people): sure ones merged,"
	@echo "==    uncertain ones queued, every pair with its evidence in $(DEMO_DIR)/paires*.csv"
	$(CARNET) dedupe --pairs-out $(DEMO_DIR)/paires.csv
	$(CARNET) review --list --limit 5
	$(CARNET) merges --limit 5
	$(CARNET) organisations merges --limit 3
	@echo "== 7. Accept the email typo suggestions, then the quality after cleaning"
	$(CARNET) fix email-typos
	$(CARNET) quality --snapshot --html $(DEMO_DIR)/rapport-qualite.html
	@echo "== 8. Consent: the state of the file, one contact, the ledger's integrity"
	$(CARNET) consent summary
	$(CARNET) consent show 1
	$(CARNET) consent verify
	@echo "== 9. Retention plan (CNIL defaults) and one access export"
	$(CARNET) retention plan --limit 5
	$(CARNET) privacy export 1 --out $(DEMO_DIR)/contact-1.zip
	@echo "== 10. An Excel-safe export, with the source rows folded into each contact"
	$(CARNET) export $(DEMO_DIR)/contacts.csv --raw --with-sources
	@echo "Done. Open $(DEMO_DIR)/rapport-qualite.html, and $(DEMO_DIR)/ for the files,"
	@echo "rejected rows and exports."

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/mypy

test: $(STAMP)
	$(VENV)/bin/pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) $(DEMO_DIR) .pytest_cache .mypy_cache .ruff_cache
