"""Report renderers: each turns the report dict (checker.report) into one output format."""

from . import github, json_report, markdown, pr_comment, sarif, text

RENDERERS = {"text": text.render, "json": json_report.render, "markdown": markdown.render, "sarif": sarif.render,
             "github": github.render, "pr-comment": pr_comment.render}
