"""Fixtures for the signin tests."""
