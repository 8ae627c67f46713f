PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench clean sysdeps

$(STAMP): pyproject.toml Makefile
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev,ocr]'
	touch $(STAMP)

# Check the bundled real forms; exit code 1 only means findings were reported.
run: $(STAMP)
	$(BIN)/jixiao check examples/ || [ $$? -eq 1 ]

# LibreOffice, CJK fonts, poppler, PostgreSQL: installed once from Debian packages when missing.
sysdeps:
	bash scripts/setup-system.sh

test: sysdeps $(STAMP)
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/lint-imports
	$(BIN)/python scripts/mypy_baseline.py
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python bench/parse_check.py
	$(BIN)/python bench/import.py
	$(BIN)/python bench/export.py

clean:
	rm -rf $(VENV) build src/*.egg-info
