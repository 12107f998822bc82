# Quick start: `make run` opens the window, `make test` runs the whole suite.
# Both create .venv when it is missing or older than pyproject.toml, so a fresh clone needs
# only Python >= 3.11 and the package registries. `make run` installs the program alone;
# `make test` adds the test tools.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
APP_STAMP := $(VENV)/.installed-app
TEST_STAMP := $(VENV)/.installed-test
# pip's own progress (one line a package), without its notices about itself.
PIP := $(BIN)/python -m pip install --disable-pip-version-check --progress-bar off

.PHONY: run test bench bundle clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Commissioning Desk needs Python 3.11 or newer; set PYTHON=python3.11")'
	@echo "Creating $(VENV) (a private Python environment for Commissioning Desk)..."
	$(PYTHON) -m venv $(VENV)

$(APP_STAMP): pyproject.toml | $(BIN)/python
	@echo "Installing Commissioning Desk and the libraries it uses into $(VENV) (the first time takes a minute or two)..."
	$(PIP) -e .
	@touch $(APP_STAMP)

$(TEST_STAMP): $(APP_STAMP)
	@echo "Installing the test tools into $(VENV)..."
	$(PIP) -e '.[test]'
	@touch $(TEST_STAMP)

run: $(APP_STAMP)
	$(BIN)/commissioning-desk $(ARGS)

test: $(TEST_STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(TEST_STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python benchmarks/run.py

bundle: $(TEST_STAMP)
	$(BIN)/pyinstaller --noconfirm pyinstaller.spec

clean:
	rm -rf $(VENV) build dist .pytest_cache
