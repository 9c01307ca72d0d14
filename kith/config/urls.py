from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("kith.core.urls")),
    path("accounts/", include("kith.accounts.urls")),
    path("", include("kith.people.urls")),
    path("", include("kith.interop.urls")),
    path("", include("kith.matching.urls")),
    path("", include("kith.insights.urls")),
    path("", include("kith.feeds.urls")),
    path("enquiries/", include("kith.enquiries.urls")),
    path("", include("kith.freshness.urls")),
    path("whats-on/", include("kith.whatson.urls")),
    path("", include("kith.together.urls")),
    path("", include("kith.geo.urls")),
    path("", include("kith.directory.urls")),
]

handler400 = "kith.core.views.bad_request"
handler403 = "kith.core.views.forbidden"
handler404 = "kith.core.views.not_found"
handler500 = "kith.core.views.server_error"
