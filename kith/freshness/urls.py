from django.urls import path

from kith.freshness import views

app_name = "freshness"
urlpatterns = [
    path("listings/review/", views.review_queue, name="review"),
    path("listings/freshness/", views.freshness, name="dashboard"),
    path("listings/suggestions/", views.suggestions, name="suggestions"),
    path("listings/suggestions/<id:pk>/", views.suggestion, name="suggestion"),
    path("listings/claims/", views.claims, name="claims"),
    path("listings/<uuid:uuid>/check/", views.record_check, name="check"),
    path("listings/<uuid:uuid>/edit/", views.edit_listing, name="edit"),
    path("services/<uuid:uuid>/suggest/", views.suggest, name="suggest"),
    path("organisations/<uuid:uuid>/claim/", views.claim, name="claim"),
    path("claims/<str:token>/", views.claim_confirm, name="claim_confirm"),
    path("organisation/listings/", views.my_listings, name="my_listings"),
]
