"""Security headers on every response, and the self-hosted API documentation page."""

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.responses import Response

# Pages: only Maillage's own scripts and styles, no inline script, no framing by others.
PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; frame-src 'self'; frame-ancestors 'none'; "
    "form-action 'self'; base-uri 'none'; object-src 'none'"
)


class SecurityHeaders(BaseHTTPMiddleware):
    """Adds the security headers; a response that sets its own policy (a map) keeps it."""

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        response = await call_next(request)
        headers = response.headers
        headers.setdefault("Content-Security-Policy", PAGE_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY" if "frame-ancestors 'none'" in headers["Content-Security-Policy"]
                           else "SAMEORIGIN")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if request.url.path.startswith(("/api/", "/connexion")):
            headers.setdefault("Cache-Control", "no-store")
        return response


DOCS_PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Maillage API</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="/static/vendor/swagger-ui/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/static/vendor/swagger-ui/swagger-ui-bundle.js"></script>
  <script src="/static/api-docs.js"></script>
</body>
</html>
"""


def install_security(app: FastAPI) -> None:
    app.add_middleware(SecurityHeaders)

    @app.get("/docs", include_in_schema=False)
    def api_docs() -> HTMLResponse:
        # Swagger UI sets inline styles on its elements: allowed for this page's styles only.
        return HTMLResponse(DOCS_PAGE, headers={"Content-Security-Policy": PAGE_POLICY.replace(
            "style-src 'self'", "style-src 'self' 'unsafe-inline'")})


# A standalone map carries its own policy in a <meta> tag (hashes of its inline script and
# style); the header adds only what a <meta> policy cannot say: who may frame it.
MAP_DOCUMENT_POLICY = "frame-ancestors 'self'; base-uri 'none'; object-src 'none'; form-action 'none'"


def map_document_response(html: str, *, download_name: str | None = None) -> Response:
    """An HTML response for a standalone map (API download or the Carte page's frame)."""
    headers = {"Content-Security-Policy": MAP_DOCUMENT_POLICY, "X-Frame-Options": "SAMEORIGIN"}
    if download_name:
        headers["Content-Disposition"] = f'attachment; filename="{download_name}"'
    return HTMLResponse(html, headers=headers)
