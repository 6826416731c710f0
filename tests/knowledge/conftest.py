from tests.knowledge.databases import (db_url, kb, make_store, open_stores, postgres_engine,  # noqa: F401
                                       postgres_url)
