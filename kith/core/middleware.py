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


API_PATHS = ("/api/", "/open-data/")


def bad_request_page(request, message: str, *, status: int = 400, title: str = "Your request could not be read"):
    """Words for a request refused before any view: JSON for the APIs, a page with an error summary for people."""
    if request.path.startswith(API_PATHS):
        from django.http import JsonResponse

        return JsonResponse({"error": message}, status=status)
    from django.shortcuts import render

    return render(request, "core/error.html", {"title": title, "message": message, "summary": True}, status=status)


class RequestLineLimitMiddleware:
    """Addresses longer than Kith reads get a page that says so, not a server's bare 414.

    `kith serve` lifts gunicorn's own limit (which cannot exceed 8,190 bytes) so that this one applies.
    """

    LIMIT = 16 * 1024

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.META.get("PATH_INFO", "")
        query = request.META.get("QUERY_STRING", "")
        if len(path) + len(query) + 1 > self.LIMIT:
            return bad_request_page(
                request,
                f"Kith reads addresses of up to {self.LIMIT // 1024} kB. Shorten the search or the link, "
                "then try again.",
                status=414,
                title="That address is too long",
            )
        return self.get_response(request)


class RefuseNullCharactersMiddleware:
    """A NUL character has no place in anything people type, and PostgreSQL cannot store one: refuse it
    with words before it reaches a query, rather than fail in the database with a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    @staticmethod
    def _has_nul(query_dict) -> bool:
        return any("\x00" in key or any("\x00" in v for v in values) for key, values in query_dict.lists())

    def __call__(self, request):
        form = request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data")
        if (
            "\x00" in request.path
            or self._has_nul(request.GET)
            or (request.method == "POST" and form and self._has_nul(request.POST))
        ):
            return bad_request_page(
                request,
                "The address or form contained a character that cannot be stored (a null character). "
                "Remove it, then try again.",
            )
        return self.get_response(request)
