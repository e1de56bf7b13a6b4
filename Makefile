# Two commands on a fresh machine with Python 3.11:  `make serve`  and  `make test`.
# Each builds .venv from the pinned constraints the first time (and when they change); safe to run again.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: serve test test-fast bench check-service constraints clean

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	@touch $(STAMP)

serve: $(STAMP)  ## the service with the shipped model on http://127.0.0.1:8000 (HOST=, PORT=, WORKERS= to change)
	$(BIN)/review-reply serve --host $(or $(HOST),127.0.0.1) --port $(or $(PORT),8000) --workers $(or $(WORKERS),1)

test: $(STAMP)  ## the whole suite, browser test included (installs Debian's chromium if missing)
	bash scripts/install-browser.sh
	$(BIN)/python -m pytest

test-fast: $(STAMP)  ## everything but the browser test
	REVIEW_REPLY_SKIP_BROWSER=1 $(BIN)/python -m pytest -m "not browser"

bench: $(STAMP)  ## speed of the classifier and of the API (the API step needs wrk: apt-get install wrk)
	$(BIN)/python benchmarks/classifier.py
	$(BIN)/python benchmarks/api.py

check-service: $(STAMP)  ## the shared contract / bad-input / load checker against a fresh server
	PATH=$(abspath $(BIN)):$$PATH $(BIN)/python ../shared/tools/check_service.py

constraints:  ## re-pin every dependency from the current .venv
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^review-reply' > constraints.txt

clean:
	rm -rf $(VENV) .cache .pytest_cache
