# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: demo test test-corpus install qt-headers docs clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# Qt 6 headers: found the way qtcheck finds them, or installed with apt-get when root.
qt-headers: $(STAMP)
	@if $(PY) -m checker.qt_discovery >/dev/null 2>&1; then \
	  echo "Qt 6 headers: $$($(PY) -m checker.qt_discovery)"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "Qt 6 headers not found: installing qt6-base-dev"; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q qt6-base-dev; \
	else \
	  echo "Qt 6 headers not found. Run: sudo apt-get install qt6-base-dev"; exit 1; \
	fi

demo: qt-headers
	$(VENV)/bin/qtcheck fixtures/example/tst_localsocket_bench.cpp --claims seeds/

test: qt-headers
	$(PY) -m pytest -q

# Every public header of QtCore, QtNetwork and QtTest as its own translation unit (`make test` runs a sample).
test-corpus: qt-headers
	QTCHECK_CORPUS=all $(PY) -m pytest -q -m corpus tests/test_corpus.py

# docs/rules.md from rules/*.yaml (tests/test_rule_docs.py fails when the committed page is out of date).
docs: $(STAMP)
	$(VENV)/bin/qtcheck --list-rules --format markdown --no-config --output docs/rules.md

clean:
	rm -rf $(VENV) build *.egg-info
