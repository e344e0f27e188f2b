"""Helpers for the API and browser tests: a small annotated sample store (built from records, so it does
not depend on the NLP stages) and a headless Chromium driver."""
