"""Report renderers: each turns the report dict (qtcheck.report) into one output format.

A renderer's module is imported when that format is first rendered: the text format needs rich, which a run writing
JSON, SARIF or Markdown never loads."""

from __future__ import annotations

import importlib

COLOR_MODES = ("auto", "always", "never")  # --color
_MODULES = {"text": "text", "json": "json_report", "markdown": "markdown", "sarif": "sarif", "github": "github",
            "pr-comment": "pr_comment"}


def _lazy(module: str):
    def render(report: dict, **options) -> str:
        return importlib.import_module(f"{__name__}.{module}").render(report, **options)
    render.__name__ = f"render_{module}"
    return render


RENDERERS = {name: _lazy(module) for name, module in _MODULES.items()}
