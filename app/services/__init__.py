"""Use cases: load, apply the rules, write, audit. The only code that changes a status."""
