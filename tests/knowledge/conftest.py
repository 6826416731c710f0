from tests.knowledge.databases import (  # noqa: F401
    db_url,
    kb,
    make_store,
    open_stores,
    postgres_engine,
    postgres_url,
    test_postgres_url,
)
