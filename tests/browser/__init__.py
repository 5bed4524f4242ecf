"""Helpers for tests/test_browser.py: what a page shows in Chromium, its admonitions, and axe-core's verdict."""
