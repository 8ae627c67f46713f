"""Which database, and opening it: URL from ``--db``, else ``JIXIAO_DB``, else the user's data dir.

Opening runs the packaged Alembic migrations up to head, so a new file or an empty
PostgreSQL database is ready for ``jixiao import`` without a separate setup step.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from ..errors import JixiaoError
from .schema import dumps

ENV_VAR = "JIXIAO_DB"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Any constant works: it only keeps two importers from migrating the same PostgreSQL database at once.
_PG_MIGRATION_LOCK = 0x6A697869


class StoreError(JixiaoError):
    code = "store-error"
    template = "数据库错误：{detail}"


def default_path() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "jixiao" / "jixiao.db"


def resolve_url(db: str | None = None) -> str:
    """``--db`` value, else ``$JIXIAO_DB``, else the default SQLite file. A plain path means SQLite;
    ``postgresql://`` without a driver means psycopg 3 (the driver jixiao installs)."""
    raw = db or os.environ.get(ENV_VAR) or str(default_path())
    if "://" not in raw:
        path = Path(raw).expanduser().resolve()
        return f"sqlite:///{path}"
    if raw.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + raw.split("://", 1)[1]
    return raw


def describe(url: str) -> str:
    """The URL with any password hidden, for messages."""
    return make_url(url).render_as_string(hide_password=True)


def _sqlite_pragmas(dbapi_conn, _record) -> None:  # noqa: ANN001 - DBAPI objects
    cur = dbapi_conn.cursor()
    # WAL: readers never block the importer; NORMAL sync is still crash-safe in WAL mode
    # (a committed file survives kill -9; only an OS crash may lose the last commits).
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def _alembic_config():  # noqa: ANN202 - alembic.config.Config, imported only when migrating
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision``, by default the packaged head (no-op when already there)."""
    from alembic import command
    from alembic.runtime.migration import MigrationContext

    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
        target = head_revision() if revision == "head" else revision
        if MigrationContext.configure(conn).get_current_revision() == target:
            return
        cfg = _alembic_config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def open_store(db: str | None = None, *, upgrade: bool = True) -> Engine:
    """An engine on the store, schema migrated to head. Raises :class:`StoreError` with the URL."""
    url = resolve_url(db)
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StoreError(db or url, "无法识别的数据库地址") from None
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    try:
        engine = create_engine(url, pool_pre_ping=parsed.get_backend_name() != "sqlite", json_serializer=dumps)
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
        if upgrade:
            migrate(engine)
    except SQLAlchemyError as exc:
        raise StoreError(describe(url), first_line(exc)) from None
    except ModuleNotFoundError as exc:
        raise StoreError(describe(url), f"缺少数据库驱动 {exc.name}") from None
    return engine


def first_line(exc: BaseException) -> str:
    """The first line of a driver's error (they run to several), for a one-line message."""
    text_ = str(getattr(exc, "orig", None) or exc).strip()
    return text_.splitlines()[0] if text_ else type(exc).__name__
