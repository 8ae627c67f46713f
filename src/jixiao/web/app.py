"""The web application: FastAPI app factory, error pages, security headers, static assets, and the
background job loop of each worker."""

from __future__ import annotations

import os
from contextlib import asynccontextmanager
from importlib.resources import files
from typing import AsyncIterator

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.orm import sessionmaker
from starlette.exceptions import HTTPException

from ..store.db import open_store
from . import api, pages
from .access import WebError
from .deps import LoginRequired, templates
from .jobs import Runner
from .serve import DB_ENV

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
       "base-uri 'none'; frame-ancestors 'none'; form-action 'self'")


def create_app(db: str | None = None, *, run_jobs: bool = True) -> FastAPI:
    """The app on the store ``db`` (a path or URL; default ``$JIXIAO_WEB_DB``, then the store's default)."""
    engine = open_store(db or os.environ.get(DB_ENV))
    sessions = sessionmaker(engine, expire_on_commit=False)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        runner = Runner(sessions) if run_jobs else None
        if runner:
            runner.start()
        yield
        if runner:
            runner.close()
        engine.dispose()

    app = FastAPI(title="jixiao 绩效自评系统", version="1", lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="项目支出绩效自评表的填报、审核与公开。"
                              "API 令牌在“账号”页面创建，以 `Authorization: Bearer …` 发送。")
    app.state.sessions = sessions
    app.state.engine = engine
    app.include_router(pages.router)
    app.include_router(api.router)
    app.mount("/static", StaticFiles(directory=str(files("jixiao.web") / "static")), name="static")

    @app.get("/docs", include_in_schema=False)
    def docs() -> Response:
        # Swagger UI from the package's own copy: no CDN.
        return get_swagger_ui_html(openapi_url="/openapi.json", title="jixiao API",
                                   swagger_js_url="/static/swagger-ui-bundle.js", swagger_css_url="/static/swagger-ui.css",
                                   swagger_favicon_url="/static/favicon.svg")

    def wants_json(request: Request) -> bool:
        return request.url.path.startswith("/api/")

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, _exc: LoginRequired) -> Response:
        if wants_json(request):
            return JSONResponse({"detail": "需要登录或有效的 API 令牌"}, status_code=401)
        if request.headers.get("hx-request"):
            return Response(status_code=401, headers={"HX-Redirect": "/login"})
        return RedirectResponse("/login", status_code=303)

    @app.exception_handler(WebError)
    async def web_error(request: Request, exc: WebError) -> Response:
        if wants_json(request):
            return JSONResponse({"detail": exc.message, "details": exc.details}, status_code=exc.status)
        return templates.TemplateResponse(request, "error.j2", {"me": None, "csrf": "", "message": exc.message,
                                                                "details": exc.details}, status_code=exc.status)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        message = {404: "没有这个页面", 405: "不支持这种请求方式"}.get(exc.status_code, str(exc.detail))
        if wants_json(request):
            return JSONResponse({"detail": message}, status_code=exc.status_code)
        return templates.TemplateResponse(request, "error.j2", {"me": None, "csrf": "", "message": message, "details": []},
                                          status_code=exc.status_code)

    @app.middleware("http")
    async def headers(request: Request, call_next):  # noqa: ANN001, ANN202 - Starlette's middleware signature
        resp = await call_next(request)
        if not request.url.path.startswith("/docs") and "content-security-policy" not in resp.headers:
            resp.headers["Content-Security-Policy"] = CSP
        resp.headers["X-Content-Type-Options"] = "nosniff"
        resp.headers["X-Frame-Options"] = "DENY"
        resp.headers["Referrer-Policy"] = "same-origin"
        if request.url.path.startswith(("/forms", "/api", "/admin", "/account")):
            resp.headers["Cache-Control"] = "no-store"
        return resp

    return app


def app_from_env() -> FastAPI:
    """For ``uvicorn --factory`` with several workers: each worker builds its own app from the environment."""
    return create_app()
