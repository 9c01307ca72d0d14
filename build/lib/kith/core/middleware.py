"""Response headers that Django does not set by itself."""

from django.conf import settings


class ContentSecurityPolicyMiddleware:
    """A strict CSP: our own scripts and styles only; map tiles only if an operator names a server."""

    def __init__(self, get_response):
        self.get_response = get_response
        img = "'self' data:"
        tiles = settings.KITH_MAP_TILES_URL
        if tiles:
            # Allow the tile host (scheme and host of the template URL) and nothing else.
            origin = "/".join(tiles.split("/")[:3]).replace("{s}.", "*.")
            img = f"{img} {origin}"
        self.policy = (
            "default-src 'self'; "
            f"img-src {img}; "
            "script-src 'self'; "
            "style-src 'self'; "
            "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
        )

    def __call__(self, request):
        response = self.get_response(request)
        # The admin ships inline styles; it is staff-only, so it keeps Django's own defaults.
        if not request.path.startswith("/admin/"):
            response.headers.setdefault("Content-Security-Policy", self.policy)
        return response
