"""Fixtures for the request tests."""
