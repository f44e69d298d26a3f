# 报告问答 — set-up, serve, test, bench. Every target installs what it needs.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
MODEL   := models/multilingual-e5-small
ONNX    := models/multilingual-e5-small-onnx
STAMP   := $(VENV)/.installed
PORT    ?= 8000

.PHONY: install serve test test-fast bench bench-quick bench-scale eval conversations consistency browser clean

install: $(STAMP) $(MODEL)/build_params.json $(ONNX)/build_params.json

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e ".[dev]"
	touch $(STAMP)

$(MODEL)/build_params.json: $(STAMP) scripts/build_model.py
	$(BIN)/python scripts/build_model.py $(MODEL)

# the default passage backend: the model above exported to ONNX, int8 per channel (no network)
$(ONNX)/build_params.json: $(MODEL)/build_params.json scripts/build_onnx.py
	$(BIN)/python scripts/build_onnx.py $(MODEL) $(ONNX)

# Debian's Chromium and CJK fonts for the browser tests (root on these machines).
browser:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "noto sans cjk"; then \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-noto-cjk poppler-utils >/dev/null) \
	  || echo "warning: could not install chromium; browser tests will be skipped"; fi

serve: install
	$(BIN)/qa serve --host 127.0.0.1 --port $(PORT)

test: install browser
	$(BIN)/python -m pytest -q -rs

test-fast: install
	$(BIN)/python -m pytest -q -m "not slow and not browser"

# every evaluation set on the store it needs (dev, dev_depts, held-out), then our own sets
eval: install
	$(BIN)/python scripts/eval_sets.py
	$(BIN)/python scripts/run_questions.py

# the held-out multi-turn conversations, and the same figure for the same question typed another way
conversations: install
	$(BIN)/python scripts/run_conversations.py

consistency: install
	$(BIN)/python scripts/consistency.py

bench: install
	$(BIN)/pip install -q -e ".[dev,bench]"
	$(BIN)/python scripts/bench.py

bench-quick: install
	$(BIN)/pip install -q -e ".[dev,bench]"
	$(BIN)/python scripts/bench.py --quick

# province scale: stores of 1,000 and 10,000 reports on SQLite + FAISS and PostgreSQL + pgvector
# (a PostgreSQL server started by the bench itself, pgserver wheel; ~45 min on 2 cores) -> docs/benchmarks-scale.md
bench-scale: install
	$(BIN)/python scripts/bench.py --scale --sizes 1000,10000 --backends sqlite,postgres

clean:
	rm -rf store test-output .pytest_cache
