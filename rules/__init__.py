"""The built-in rules (the YAML files in this folder), installed as the package data of `qtcheck.rules_data`.

This file makes the folder a regular package, so that the rules are found through qtcheck's own import path in
a wheel and in an editable install alike (checker/rules.py: builtin_rules_dir); it holds no code."""
