"""The JSON format: the report dict as it is (documented in README, 'JSON report')."""

from __future__ import annotations

import json


def render(report: dict, **_options) -> str:
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"
