"""Built-in rule sets of reflow (data files only; installed as ``reflow.builtin_rules``)."""
