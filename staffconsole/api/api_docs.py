"""The API's own description, for signed-in admins only: /openapi.json and /docs.

FastAPI's default /docs and /redoc load Swagger UI from a CDN, which a clinic network
often cannot reach and the Content-Security-Policy refuses anyway; and the document maps
every route of a server holding patient data. So both are an admin's, and /docs is a
plain page drawn from the document on the server (no script, no CDN).
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse, Response

from staffconsole.api.deps import Db, Now, staff_session, to_sign_in
from staffconsole.auth.staff_sessions import NotSignedIn, StaffSession
from staffconsole.web import templates

router = APIRouter()

METHODS = ("get", "post", "put", "patch", "delete")
NOT_ADMIN = "Only an admin may read the API description; sign in with an admin account."


def _admin(request: Request, db, now) -> StaffSession:
    """The signed-in admin (NotSignedIn: 401; another role: 403); counts as activity."""
    session = staff_session(request, db, now, touch=True)
    if session.role != "admin":
        raise HTTPException(403, NOT_ADMIN)
    return session


@router.get("/openapi.json", include_in_schema=False)
def openapi_document(request: Request, db: Db, now: Now) -> Response:
    _admin(request, db, now)
    return JSONResponse(request.app.openapi(), headers={"Cache-Control": "no-store"})


def operations(document: dict) -> list[dict]:
    """Each operation of the document, in path order: what the /docs page lists."""
    found = []
    for path, item in sorted(document.get("paths", {}).items()):
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            found.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "tags": ", ".join(operation.get("tags", [])),
                    "answers": sorted(operation.get("responses", {})),
                }
            )
    return found


@router.get("/docs", include_in_schema=False)
def docs_page(request: Request, db: Db, now: Now) -> Response:
    try:
        session = _admin(request, db, now)
    except NotSignedIn as e:
        return to_sign_in(e)  # a page: off to the sign-in form, as /console does
    document = request.app.openapi()
    response = templates.TemplateResponse(
        request,
        "api_docs.html",
        {
            "clinic_name": request.app.state.settings.clinic_name,
            "username": session.username,
            "title": document["info"]["title"],
            "version": document["info"]["version"],
            "operations": operations(document),
        },
    )
    response.headers["Cache-Control"] = "no-store"
    return response
