"""Report renderers: each turns the report dict (checker.report) into one output format."""

from . import json_report, text

RENDERERS = {"text": text.render, "json": json_report.render}
