"""Which store a Settings object points at: SQLite + FAISS in a folder (the default), or
PostgreSQL + pgvector when QA_DATABASE_URL is set. Both are `Store`s: the rest of the code
does not ask which."""
from __future__ import annotations

from index.settings import Settings
from index.store.base import Store
from index.store.sqlite import SqliteStore


def open_store(settings: Settings, *, model_name: str | None = None, dim: int | None = None) -> Store:
    if settings.database_url:
        from index.store.postgres import PgStore  # psycopg is imported only when PostgreSQL is used
        return PgStore(settings.database_url, settings.store, model_name=model_name, dim=dim)
    return SqliteStore(settings.store, model_name=model_name, dim=dim)


__all__ = ["open_store"]
