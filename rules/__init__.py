"""The built-in rules (the YAML files in this folder), installed as the package data of `qtcheck.rules_data`.

This file makes the folder a regular package, so that the rules are found through qtcheck's own import path in
a wheel and in an editable install alike (checker/rules.py: builtin_rules_dir); it holds no code."""

if __name__ != "qtcheck.rules_data":  # `import rules` from the repository root: not this folder's name
    raise ImportError(f"the folder {__path__[0]} holds qtcheck's built-in rules (the package qtcheck.rules_data), "
                      f"not a package named {__name__}", name=__name__)
