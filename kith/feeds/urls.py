from django.urls import path

from kith.feeds import api, staff_views, views

app_name = "oruk"
urlpatterns = [
    path("api/oruk/", api.api_details, name="api_details"),
    path("api/oruk/openapi.json", api.openapi, name="openapi"),
    path("api/oruk/services", api.services, name="services"),
    path("api/oruk/services/<str:id>", api.service, name="service"),
    path("api/oruk/service_at_locations", api.service_at_locations, name="service_at_locations"),
    path("api/oruk/service_at_locations/<str:id>", api.service_at_location, name="service_at_location"),
    path("api/oruk/organizations", api.organizations, name="organizations"),
    path("api/oruk/organizations/<str:id>", api.organization, name="organization"),
    path("api/oruk/taxonomies", api.taxonomies, name="taxonomies"),
    path("api/oruk/taxonomies/<str:id>", api.taxonomy, name="taxonomy"),
    path("api/oruk/taxonomy_terms", api.taxonomy_terms, name="taxonomy_terms"),
    path("api/oruk/taxonomy_terms/<str:id>", api.taxonomy_term, name="taxonomy_term"),
    path("feeds/events.ics", views.events_ics, name="events_ics"),
    path("feeds/listings.rss", views.listings_rss, name="listings_rss"),
    path("feeds/listings.atom", views.listings_atom, name="listings_atom"),
    path("feeds/listings.geojson", views.listings_geojson, name="listings_geojson"),
    path("search.csv", views.search_csv, name="search_csv"),
    path("embed/whats-on/", views.embed, name="embed"),
    path("news/", views.news, name="news"),
    path("imports/", staff_views.imports, name="imports"),
    path("imports/problems/", staff_views.problems, name="problems"),
    path("imports/sources/<id:source_id>/read/", staff_views.read_now, name="read_now"),
    path("imports/duplicates/", staff_views.duplicates, name="duplicates"),
    path("imports/duplicates/<id:pair_id>/", staff_views.decide, name="decide"),
    path("imports/duplicates/<id:pair_id>/fold/", staff_views.fold, name="fold"),
    path("imports/duplicates/<id:pair_id>/undo/", staff_views.undo, name="undo"),
]
