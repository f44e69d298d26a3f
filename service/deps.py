"""What every route needs: the loaded state, the settings, the admin check, and the one
error shape (`{"error": {"code", "message", "status"}}`) that domain exceptions become."""
from __future__ import annotations

import secrets

from fastapi import Request
from fastapi.responses import JSONResponse

from index.settings import Settings

from .state import State


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def error_response(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message, "status": status}}, status_code=status)


STATUS_OF = {"not_found": 404, "unsupported_file": 415, "too_large": 413, "store_mismatch": 409}


def state(request: Request) -> State:
    return request.app.state.qa


def settings_of(request: Request) -> Settings:
    return request.app.state.settings


def require_admin(request: Request, token: str | None) -> None:
    expected = settings_of(request).admin_token
    if not expected:
        raise ApiError(403, "admin_disabled", "上传和删除已关闭：服务未设置 QA_ADMIN_TOKEN (uploads disabled)")
    given = (token or "").removeprefix("Bearer ").strip()
    if not secrets.compare_digest(given, expected):
        raise ApiError(401, "unauthorized", "需要管理员令牌 (admin token required)")
