PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench clean sysdeps bytecode

# Compiled once here: where PYTHONDONTWRITEBYTECODE is set (as on some machines) Python would otherwise
# compile every module of jixiao again on each start of the command, about half a second.
bytecode: $(STAMP)
	$(BIN)/python -m compileall -q src

$(STAMP): pyproject.toml Makefile
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev,ocr]'
	touch $(STAMP)

# The web system on a fresh SQLite database in the project folder, with the bundled forms imported;
# prints the first admin's random password and the address.
RUN_DB := jixiao-web.db
run: bytecode
	rm -f $(RUN_DB) $(RUN_DB)-wal $(RUN_DB)-shm
	$(BIN)/jixiao serve --db $(RUN_DB) --import examples/ --host $${HOST:-127.0.0.1} --port $${PORT:-8000}

# LibreOffice, CJK fonts, poppler, PostgreSQL: installed once from Debian packages when missing.
sysdeps:
	bash scripts/setup-system.sh

test: sysdeps bytecode
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/lint-imports
	$(BIN)/python scripts/mypy_baseline.py
	$(BIN)/pytest

bench: bytecode
	$(BIN)/python bench/parse_check.py
	$(BIN)/python bench/import.py
	$(BIN)/python bench/export.py

clean:
	rm -rf $(VENV) build src/*.egg-info
