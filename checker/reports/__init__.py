"""Report renderers: each turns the report dict (qtcheck.report) into one output format."""

from . import github, json_report, markdown, sarif, text

RENDERERS = {"text": text.render, "json": json_report.render, "markdown": markdown.render, "sarif": sarif.render,
             "github": github.render}
