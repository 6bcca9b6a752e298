"""YAML loading through libyaml's C loader when PyYAML has it (several times faster), the pure-Python one otherwise."""

from __future__ import annotations

import yaml

SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(text: str):
    """yaml.safe_load, on the C loader when available."""
    return yaml.load(text, Loader=SAFE_LOADER)
