"""Which database, and opening it: URL from ``--db``, else ``JIXIAO_DB``, else the user's data dir.

Opening runs the packaged Alembic migrations up to head, so a new file or an empty
PostgreSQL database is ready for ``jixiao import`` without a separate setup step.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Iterable

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from ..errors import JixiaoError
from .schema import dumps

ENV_VAR = "JIXIAO_DB"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# The newest migration's revision (a test holds it to Alembic's head): a store already there is opened
# without importing Alembic and parsing its scripts, a third of a second on every command.
HEAD = "0007"
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


class ForeignDatabase(StoreError):
    code = "foreign-database"
    template = "不是 jixiao 的数据库（其中已有其他表：{detail}），没有改动它；请用 --db 指定 jixiao 自己的数据库"

    @classmethod
    def of(cls, url: str, tables: Iterable[str]) -> ForeignDatabase:
        names = sorted(tables)
        return cls(describe(url), "、".join(names[:5]) + (f" 等 {len(names)} 张" if len(names) > 5 else ""))


class NewerDatabase(StoreError):
    code = "newer-database"
    template = "数据库由更新版本的 jixiao 创建（版本 {detail}），请升级 jixiao 后再用"


class CorruptDatabase(StoreError):
    code = "corrupt-database"
    template = "数据库文件已损坏或不是数据库（{detail}），请从备份恢复"


def _known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {s.revision for s in ScriptDirectory.from_config(_alembic_config()).walk_revisions()}


def _at_head(engine: Engine) -> bool:
    try:
        with engine.connect() as conn:
            return bool(conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == HEAD)
    except SQLAlchemyError:  # no such table yet, or a damaged file: Alembic's path says which
        return False


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision``, by default the packaged head (no-op when already there).

    A database with tables but no jixiao revision is someone else's and is left untouched; one at a
    revision this version does not know was made by a newer jixiao."""
    if revision == "head" and _at_head(engine):
        return
    from alembic import command
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy import inspect

    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
        target = head_revision() if revision == "head" else revision
        current = MigrationContext.configure(conn).get_current_revision()
        if current == target:
            return
        if current is None:
            tables = [t for t in inspect(conn).get_table_names() if t != "alembic_version"]
            if tables:
                raise ForeignDatabase.of(str(engine.url), tables)
        elif current not in _known_revisions():
            raise NewerDatabase(describe(str(engine.url)), current)
        cfg = _alembic_config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


# The drivers' commonest first lines, for people; anything else is kept as the driver says it.
_DRIVER_ZH = (
    ("file is not a database", "文件不是 SQLite 数据库"),
    ("database disk image is malformed", "数据库文件已损坏"),
    ("unable to open database file", "无法打开数据库文件"),
    ("connection refused", "无法连接（连接被拒绝，服务未启动或地址有误）"),
    ("password authentication failed", "用户名或密码不对"),
    ("does not exist", "数据库或用户不存在"),
    ("could not translate host name", "找不到主机"),
    ("timeout expired", "连接超时"),
)
_DAMAGED = ("not a database", "malformed", "disk image", "file is encrypted", "could not decode")


def driver_zh(line: str) -> str:
    low = line.lower()
    return next((f"{zh}（{line}）" for en, zh in _DRIVER_ZH if en in low), line)


def store_error(url: str, exc: BaseException) -> StoreError:
    """A driver's error as one line; a damaged file ("file is not a database", "malformed") says so."""
    line = first_line(exc).split(" with text ")[0]  # a damaged text cell's bytes are no help to anyone
    if any(w in line.lower() for w in _DAMAGED):
        return CorruptDatabase(describe(url), line)
    return StoreError(describe(url), driver_zh(line))


def open_store(db: str | None = None, *, upgrade: bool = True) -> Engine:
    """An engine on the store, schema migrated to head. Raises :class:`StoreError` with the URL."""
    url = resolve_url(db)
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StoreError(db or url, "无法识别的数据库地址") from None
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        path = Path(parsed.database)
        path.parent.mkdir(parents=True, exist_ok=True)
        if upgrade and path.is_file() and path.stat().st_size:
            # Looked at read-only first: connecting switches the file to WAL, a change to someone else's file.
            try:
                tables = sqlite_tables(path)
            except sqlite3.Error as exc:
                raise store_error(url, exc) from None
            if "alembic_version" not in tables and tables:
                raise ForeignDatabase.of(url, tables)
    try:
        engine = create_engine(url, pool_pre_ping=parsed.get_backend_name() != "sqlite", json_serializer=dumps)
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
        if upgrade:
            migrate(engine)
    except SQLAlchemyError as exc:
        raise store_error(url, exc) from None
    except ModuleNotFoundError as exc:
        raise StoreError(describe(url), f"缺少数据库驱动 {exc.name}") from None
    return engine


def sqlite_tables(path: Path) -> set[str]:
    """The tables of an SQLite file, read without writing to it."""
    with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as conn:
        return {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def first_line(exc: BaseException) -> str:
    """The first line of a driver's error (they run to several), for a one-line message."""
    text_ = str(getattr(exc, "orig", None) or exc).strip()
    return text_.splitlines()[0] if text_ else type(exc).__name__
