"""Fixtures for every test: a cheap password hasher, so that logging in a hundred times stays fast."""
from __future__ import annotations

import pytest
from argon2 import PasswordHasher, profiles

from scoring.common import accounts


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch):
    """argon2's cheapest parameters (tests only): the hashes are still argon2id and verified the same way."""
    monkeypatch.setattr(accounts, "HASHER", PasswordHasher.from_parameters(profiles.CHEAPEST))
