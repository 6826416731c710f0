from tests.knowledge.databases import (  # noqa: F401
    db_url,
    kb,
    make_store,
    new_database_urls,
    open_stores,
    postgres_engine,
    postgres_url,
    test_postgres_url,
)
