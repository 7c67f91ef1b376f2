from tests.org.conftest import city  # noqa: F401  (the two-street city fixture)
