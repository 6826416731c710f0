"""Fixtures of the NLU tests: the vocabulary of the small test knowledge base and of the shipped sample."""

import pytest

from nlu.kb_terms import load_terms
from tests.conftest import SAMPLE_DIR


@pytest.fixture
def mini_terms(mini_profile):
    return load_terms(mini_profile)


@pytest.fixture(scope="session")
def sample_terms():
    return load_terms(SAMPLE_DIR)
