"""``jixiao serve``: start the web system (uvicorn), after optionally importing files and making sure
there is an administrator (the first one gets a random password, printed once).

Only typer is imported at module level: the command line imports this module for every command.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from sqlalchemy.orm import Session as DbSession

DB_ENV = "JIXIAO_WEB_DB"  # how ``serve`` tells its uvicorn workers which database to open


def first_admin(db: DbSession) -> str | None:
    """The password of a new ``admin`` account when the system has no user yet, else None."""
    from sqlalchemy import func, select

    from .people import bureau, create_user
    from .schema import User
    from .security import random_password

    if db.scalar(select(func.count()).select_from(User)):
        return None
    password = random_password()
    create_user(db, None, "admin", password, "admin", bureau(db).id, "系统管理员")
    return password


def serve(
    db: Annotated[str | None, typer.Option(
        "--db", help="数据库：SQLite 文件路径或 postgresql:// 地址（默认同 jixiao import）")] = None,
    host: Annotated[str, typer.Option("--host", help="监听地址")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="端口")] = 8000,
    workers: Annotated[int, typer.Option("--workers", help="工作进程数（PostgreSQL 上可多个）")] = 1,
    load: Annotated[list[str] | None, typer.Option("--import", help="启动前导入这些文件或目录（可重复）")] = None,
) -> None:
    """启动网页系统：填报、审核、公开。"""
    import uvicorn
    from sqlalchemy.orm import Session as DbSession

    from ..commands.store import reading
    from ..exitcodes import Exit
    from ..options import err, out, stop
    from ..store.db import StoreError, describe, open_store, resolve_url
    from ..store.importer import import_paths
    from .formdb import sync_store

    url = resolve_url(db)
    # A database that is not jixiao's, from a newer jixiao or damaged is one line before serving.
    with reading(url):
        try:
            engine = open_store(url)
        except StoreError as exc:
            stop(exc.message, Exit.DATABASE)
        if load:
            report = import_paths(load, engine)
            out.print(f"导入 {report.imported} 个文件、{report.forms} 张表；无法读取 {len(report.failed)} 个", highlight=False)
        with DbSession(engine) as session:
            added = sync_store(session)
            password = first_admin(session)
            session.commit()
    engine.dispose()
    if added:
        out.print(f"{added} 张表进入审核流程（待主管部门审核）", highlight=False)
    if password:
        out.print(f"已创建管理员：用户名 [bold]admin[/]，密码 [bold]{password}[/]（只显示这一次，请登录后修改）", highlight=False)
    if workers > 1 and url.startswith("sqlite"):
        err.print("提示：SQLite 同一时间只允许一个写入者；多个工作进程请用 PostgreSQL（--db postgresql://…）", highlight=False)
    out.print(f"jixiao 网页系统：http://{host}:{port}/（数据库 {describe(url)}；按 Ctrl+C 停止）", highlight=False)
    os.environ[DB_ENV] = url
    uvicorn.run("jixiao.web.app:app_from_env", factory=True, host=host, port=port, workers=workers,
                log_level="warning", proxy_headers=False)
