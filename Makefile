# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: demo test test-corpus install qt-headers build-tools docs clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# Qt 6 headers: found the way qtcheck finds them, or installed with apt-get when root.
qt-headers: $(STAMP)
	@if $(PY) -m qtcheck.qt_discovery >/dev/null 2>&1; then \
	  echo "Qt 6 headers: $$($(PY) -m qtcheck.qt_discovery)"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "Qt 6 headers not found: installing qt6-base-dev"; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q qt6-base-dev; \
	else \
	  echo "Qt 6 headers not found. Run: sudo apt-get install qt6-base-dev"; exit 1; \
	fi

# cmake, ninja, g++ and Qt 6's CMake files: tests/test_compdb.py configures and builds a small Qt project, as a
# user's build writes the compile_commands.json qtcheck reads. Installed with apt-get when root; otherwise that
# test is skipped, with the reason.
build-tools:
	@missing=""; \
	for tool in cmake ninja g++; do command -v $$tool >/dev/null || missing="$$missing $$tool"; done; \
	[ -n "$$(ls /usr/lib/*/cmake/Qt6/Qt6Config.cmake /usr/lib/cmake/Qt6/Qt6Config.cmake 2>/dev/null)" ] \
	  || missing="$$missing Qt6Config.cmake"; \
	if [ -z "$$missing" ]; then \
	  echo "Build tools: cmake, ninja, g++ and Qt 6's CMake files found"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "Build tools missing ($$missing ): installing cmake ninja-build g++ qt6-base-dev"; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q cmake ninja-build g++ qt6-base-dev; \
	else \
	  echo "Build tools missing ($$missing ): the CMake test will be skipped. Run: sudo apt-get install cmake ninja-build g++ qt6-base-dev"; \
	fi

demo: qt-headers build-tools
	$(VENV)/bin/qtcheck fixtures/example/tst_localsocket_bench.cpp --claims seeds/

test: qt-headers build-tools
	$(PY) -m pytest -q

# Every public header of QtCore, QtNetwork and QtTest as its own translation unit (`make test` runs a sample).
test-corpus: qt-headers
	QTCHECK_CORPUS=all $(PY) -m pytest -q -m corpus tests/test_corpus.py

# docs/rules.md from rules/*.yaml (tests/test_rule_docs.py fails when the committed page is out of date).
docs: $(STAMP)
	$(VENV)/bin/qtcheck --list-rules --format markdown --no-config --output docs/rules.md

clean:
	rm -rf $(VENV) build *.egg-info
