from django.urls import path

from kith.matching import views

app_name = "matching"
urlpatterns = [
    path("people/<str:uuid>/suggestions/", views.suggestions, name="suggestions"),
    path("people/<str:uuid>/connections/<id:connection_id>/", views.connection_update, name="connection"),
    path("people/<str:uuid>/lists/<id:list_id>/revoke/", views.revoke_list, name="revoke_list"),
    path("lists/<str:token>/", views.shared_list, name="shared_list"),
    path("referrals/", views.referrals, name="referrals"),
    path("referrals/<str:uuid>/", views.referral_detail, name="referral"),
    path("organisation/connections/", views.organisation_connections, name="organisation_connections"),
]
