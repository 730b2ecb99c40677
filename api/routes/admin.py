"""Admin routes (X-Admin-Key): swap the served model for a new champion without downtime."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, status

from api.deps import SettingsDep
from api.errors import ErrorBody, error_responses
from api.schemas.monitoring import ReloadIn, ReloadOut, WorkerOut
from api.security import require_admin_key
from scoring.serving.reload import loadable, read_request, request_reload, worker_statuses

router = APIRouter(prefix="/admin", tags=["admin"], dependencies=[Depends(require_admin_key)])
RESPONSES = {**error_responses(401, 500), 403: {"model": ErrorBody, "description": "Admin routes disabled"}}


def _out(settings: SettingsDep, request: dict | None) -> ReloadOut:
    workers = [WorkerOut(**w) for w in worker_statuses(settings.paths)]
    request = request or {}
    done = bool(request) and bool(workers) and all(w.request_id == request.get("id") for w in workers)
    return ReloadOut(
        request_id=request.get("id"),
        version=request.get("version"),
        requested_at=request.get("requested_at"),
        done=done,
        workers=workers,
    )


@router.post(
    "/reload",
    response_model=ReloadOut,
    status_code=status.HTTP_202_ACCEPTED,
    responses={**RESPONSES, **error_responses(400, 404, 422)},
)
def reload_model(settings: SettingsDep, body: ReloadIn | None = None) -> ReloadOut:
    """Ask every worker to load the champion (or `version`): they swap one at a time, each request being
    answered by the model it started with. Follow progress with GET /admin/reload."""
    version = body.version if body else None
    if not loadable(settings.models_dir, version):
        missing = "model version not found" if version else "no champion to load: champion.json is missing"
        raise HTTPException(status.HTTP_404_NOT_FOUND, missing)
    return _out(settings, request_reload(settings.paths, version))


@router.get("/reload", response_model=ReloadOut, responses=RESPONSES)
def reload_status(settings: SettingsDep) -> ReloadOut:
    """The last reload request and what each live worker serves."""
    return _out(settings, read_request(settings.paths))
