from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})


def readyz(request):
    """Whether this process is ready for traffic: 503, with what is not ready, until it is."""
    from kith.core.observability import readiness

    ready, checks = readiness()
    return JsonResponse({"status": "ready" if ready else "not ready", "checks": checks}, status=200 if ready else 503)


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says; send them to the icon."""
    from django.shortcuts import redirect
    from django.templatetags.static import static

    return redirect(static("vendor/nhsuk/assets/images/favicon.ico"))


def bad_request(request, exception=None):
    message = str(exception) if exception else "The request could not be understood."
    return render(request, "core/error.html", {"title": "Bad request", "message": message}, status=400)


def forbidden(request, exception=None):
    """A page this account's role may not use: say which roles may, and send staff back to their workspace."""
    message = str(exception) if exception and str(exception) else "You cannot use this page."
    return render(
        request,
        "core/error.html",
        {"title": "You cannot use this page", "message": message, "staff": request.user.is_authenticated},
        status=403,
    )


def not_found(request, exception=None):
    return render(
        request,
        "core/error.html",
        {"title": "Page not found", "message": "We could not find that page. It may have moved or been removed."},
        status=404,
    )


def server_error(request):
    return render(
        request,
        "core/error.html",
        {"title": "Sorry, something went wrong", "message": "Please try again later."},
        status=500,
    )
