"""YAML loading through libyaml's C loader when PyYAML has it (several times faster), the pure-Python one otherwise."""

from __future__ import annotations

import yaml

SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(text: str):
    """yaml.safe_load, on the C loader when available."""
    loader = SAFE_LOADER(text)  # what yaml.safe_load does, with the C loader
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()
