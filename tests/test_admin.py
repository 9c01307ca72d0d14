"""Django admin for the whole directory: who may use it, that every page renders, that saves reach search."""

import pytest
from django.contrib import admin

from kith.directory.models import TaxonomyTerm
from kith.directory.search.engine import SearchQuery, search
from tests.directory.helpers import add, listing

pytestmark = pytest.mark.django_db

MODELS = [m for m in admin.site._registry if m._meta.app_label in {"directory", "geo", "accounts"}]


def _url(model, page):
    return f"/admin/{model._meta.app_label}/{model._meta.model_name}/{page}"


def test_every_directory_and_geography_model_has_an_admin():
    names = {m.__name__ for m in MODELS}
    assert {
        "Organisation",
        "Service",
        "Location",
        "ServiceAtLocation",
        "Address",
        "Phone",
        "Contact",
        "Schedule",
        "CostOption",
        "Accessibility",
        "Language",
        "ServiceArea",
        "Taxonomy",
        "TaxonomyTerm",
        "Attribute",
        "ListingCheck",
        "Team",
        "StaffProfile",
        "Area",
        "Postcode",
        "LsoaIndicators",
    } <= names


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_admin_lists_render_for_an_administrator(administrator, model):
    assert administrator.get(_url(model, "")).status_code == 200


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_admin_is_closed_to_the_public(anonymous, model):
    response = anonymous.get(_url(model, ""))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_a_directory_editor_manages_the_directory_but_not_users(editor):
    assert editor.get("/admin/directory/service/").status_code == 200
    assert editor.get("/admin/directory/service/add/").status_code == 200
    assert editor.get("/admin/auth/user/").status_code == 403


def test_service_change_page_renders_with_all_its_parts(administrator):
    (service,) = add(listing("Test Admin Walk"))
    response = administrator.get(f"/admin/directory/service/{service.pk}/change/")
    assert response.status_code == 200
    assert "Test Admin Walk" in response.content.decode()


def test_a_category_added_in_admin_reaches_search_at_once(administrator):
    (service,) = add(listing("Test Admin Choir", categories=["active/walking"]))
    singing = TaxonomyTerm.objects.get(code="arts/singing")

    def in_arts():
        return service.pk in {h.service.pk for h in search(SearchQuery(words="Test Admin Choir", category="arts")).hits}

    assert not in_arts()
    response = administrator.post(
        "/admin/directory/attribute/add/",
        {
            "taxonomy_term": singing.pk,
            "link_entity": "service",
            "link_id": str(service.uuid),
            "link_type": "category",
            "value": "",
            "label": "",
            "source": "admin",
            "source_id": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert in_arts()
    assert search(SearchQuery(words="choirs")).total >= 1


def test_care_records_are_not_in_the_admin():
    """People's records are read only through access functions that audit; the admin would bypass them."""
    assert not [m for m in admin.site._registry if m._meta.app_label in {"people", "matching"}]
