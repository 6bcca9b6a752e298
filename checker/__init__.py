"""qtcheck: verify code-review claims about Qt C++ against the code itself."""

__version__ = "0.1.0"
