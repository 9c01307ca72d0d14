"""Every URL × every persona × own team / other team / no relation: allowed, refused in words, or a 404.

A role that may never use a page is told so (403, naming the roles that may); someone whose role may use the
page but for whom this object is not theirs gets the 404 that says nothing (ADR 0007).

The list of URLs comes from the URL configuration, so a new URL without an entry here fails.
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from kith.directory.models import Service, TaxonomyTerm
from kith.matching import services as matching
from kith.people import services as people
from kith.people.models import Consent
from tests.personas import build_world, sign_in

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "link_worker", "lead", "professional", "organisation_editor", "planner", "administrator"]
CARE = {"link_worker", "lead", "administrator"}
EVERYONE = set(PERSONAS)
STAFF = set(PERSONAS) - {"anonymous"}

# name: (method, path template, {relation: personas allowed}). Relations: "own" is the north team's person
# (referred by the professional), "other" the south team's. A persona allowed for no relation is refused by role
# (403 with words); one allowed for some relation but not this one gets a 404; anonymous people are sent to sign
# in for staff pages.
RULES = {
    "healthz": ("get", "/healthz", {"none": EVERYONE}),
    "readyz": ("get", "/readyz", {"none": EVERYONE}),
    # To this machine, as the test client is; from elsewhere only with the metrics token (test_operations).
    "metrics": ("get", "/metrics", {"none": EVERYONE}),
    "favicon": ("get", "/favicon.ico", {"none": EVERYONE}),
    "accounts:login": ("get", "/accounts/sign-in/", {"none": EVERYONE}),
    "accounts:two_factor": ("get", "/accounts/sign-in/two-factor/", {"none": EVERYONE}),
    "accounts:two_factor_setup": ("get", "/accounts/sign-in/two-factor/setup/", {"none": EVERYONE}),
    "accounts:logout": ("post", "/accounts/sign-out/", {"none": EVERYONE}),
    # Every signed-in account manages how it signs in; changes first ask for the password and a code.
    "accounts:security": ("get", "/accounts/security/", {"none": STAFF}),
    "accounts:confirm": ("get", "/accounts/security/confirm/", {"none": STAFF}),
    "accounts:change_password": ("get", "/accounts/security/password/", {"none": STAFF}),
    "accounts:replace_authenticator": ("get", "/accounts/security/authenticator/", {"none": STAFF}),
    "accounts:recovery_codes": ("get", "/accounts/security/recovery-codes/", {"none": STAFF}),
    "accounts:audit": ("get", "/accounts/audit/", {"none": {"administrator"}}),
    "people:home": ("get", "/workspace/", {"none": STAFF}),
    "people:caseload": ("get", "/people/", {"none": CARE}),
    "people:new": ("get", "/people/new/", {"none": CARE}),
    "people:person": ("get", "/people/{person}/", {"own": CARE, "other": {"administrator"}}),
    "people:edit": ("get", "/people/{person}/edit/", {"own": CARE, "other": {"administrator"}}),
    "people:close": ("get", "/people/{person}/close/", {"own": CARE, "other": {"administrator"}}),
    "people:reopen": ("post", "/people/{person}/reopen/", {"own": CARE, "other": {"administrator"}}),
    "people:closed": ("get", "/people/closed/", {"none": CARE}),
    "people:erasure_requests": ("get", "/people/erasure-requests/", {"none": {"administrator"}}),
    "people:erasure_request": ("get", "/people/{person}/erase/request/", {"own": CARE, "other": {"administrator"}}),
    "people:want_add": ("post", "/people/{person}/wants/", {"own": CARE, "other": {"administrator"}}),
    "people:want_status": ("post", "/people/{person}/wants/{want}/", {"own": CARE, "other": {"administrator"}}),
    "people:barriers": ("post", "/people/{person}/barriers/", {"own": CARE, "other": {"administrator"}}),
    "people:strength_add": ("post", "/people/{person}/strengths/", {"own": CARE, "other": {"administrator"}}),
    "people:wellbeing": ("get", "/people/{person}/wellbeing/swemwbs/", {"own": CARE, "other": {"administrator"}}),
    "people:consent_add": ("post", "/people/{person}/consents/", {"own": CARE, "other": {"administrator"}}),
    "people:consent_withdraw": (
        "post",
        "/people/{person}/consents/{consent}/withdraw/",
        {"own": CARE, "other": {"administrator"}},
    ),
    "people:note_add": ("post", "/people/{person}/notes/", {"own": CARE, "other": {"administrator"}}),
    "people:note_edit": ("get", "/people/{person}/notes/{note}/", {"own": CARE, "other": {"administrator"}}),
    "people:export": ("get", "/people/{person}/export/", {"own": CARE, "other": {"administrator"}}),
    "people:erase": ("get", "/people/{person}/erase/", {"own": {"administrator"}, "other": {"administrator"}}),
    "people:audit": ("get", "/people/{person}/audit/", {"own": {"administrator"}, "other": {"administrator"}}),
    "matching:suggestions": ("get", "/people/{person}/suggestions/", {"own": CARE, "other": {"administrator"}}),
    "matching:connection": (
        "post",
        "/people/{person}/connections/{connection}/",
        {"own": CARE, "other": {"administrator"}},
    ),
    "matching:shared_list": ("get", "/lists/{token}/", {"own": EVERYONE}),
    "matching:revoke_list": (
        "post",
        "/people/{person}/lists/{list}/revoke/",
        {"own": CARE, "other": {"administrator"}},
    ),
    "matching:referrals": ("get", "/referrals/", {"none": {"professional"}}),
    "matching:referral": ("get", "/referrals/{referral}/", {"own": {"professional"}, "other": set()}),
    # People ask for themselves; referrals wait in the queue of the team covering them.
    "people:self_referral": ("get", "/talk-to-a-link-worker/", {"none": EVERYONE}),
    "people:referral_queue": ("get", "/referral-queue/", {"none": CARE}),
    "people:queued_referral": ("get", "/referral-queue/{referral}/", {"own": CARE, "other": {"administrator"}}),
    "matching:organisation_connections": ("get", "/organisation/connections/", {"none": {"organisation_editor"}}),
    "geo:areas": ("get", "/areas/", {"none": EVERYONE}),
    # Insight is aggregate and disclosure-controlled: open to everyone, planners included.
    "insights:atlas": ("get", "/insight/", {"none": EVERYONE}),
    "insights:atlas_geojson": ("get", "/insight/map.geojson", {"none": EVERYONE}),
    "interop:metadata": ("get", "/fhir/metadata", {"none": EVERYONE}),
    "interop:code_system": ("get", "/fhir/CodeSystem/kith-outcome", {"none": EVERYONE}),
    # Responses to referring systems: a team sees its own; leads and administrators send one again.
    "interop:outbox": ("get", "/responses-to-referrers/", {"none": CARE}),
    "interop:prsb_person": ("get", "/people/{person}/prsb.json", {"own": CARE, "other": {"administrator"}}),
    "interop:prsb_period": ("get", "/social-prescribing-dataset/", {"none": {"lead", "planner", "administrator"}}),
    "interop:retry": (
        "post",
        "/responses-to-referrers/{sent}/send-again",
        {"own": {"lead", "administrator"}, "other": {"administrator"}},
    ),
    "insights:layers_geojson": ("get", "/insight/layers.geojson?category=nature", {"none": EVERYONE}),
    "insights:ward": ("get", "/insight/wards/E05011366/", {"none": EVERYONE}),
    "insights:funding_case": ("get", "/insight/funding/E08000003/active/", {"none": EVERYONE}),
    "insights:measures": ("get", "/insight/measures/", {"none": EVERYONE}),
    "insights:open_data": ("get", "/open-data/gaps.json?area=E05011366", {"none": EVERYONE}),
    # The Open Referral UK API is open data about services, never people.
    "oruk:api_details": ("get", "/api/oruk/", {"none": EVERYONE}),
    "oruk:openapi": ("get", "/api/oruk/openapi.json", {"none": EVERYONE}),
    "oruk:services": ("get", "/api/oruk/services", {"none": EVERYONE}),
    "oruk:service": ("get", "/api/oruk/services/{service}", {"none": EVERYONE}),
    "oruk:service_at_locations": ("get", "/api/oruk/service_at_locations", {"none": EVERYONE}),
    "oruk:service_at_location": ("get", "/api/oruk/service_at_locations/{placement}", {"none": EVERYONE}),
    "oruk:organizations": ("get", "/api/oruk/organizations", {"none": EVERYONE}),
    "oruk:organization": ("get", "/api/oruk/organizations/{organisation}", {"none": EVERYONE}),
    "oruk:taxonomies": ("get", "/api/oruk/taxonomies", {"none": EVERYONE}),
    "oruk:taxonomy": ("get", "/api/oruk/taxonomies/{taxonomy}", {"none": EVERYONE}),
    "oruk:taxonomy_terms": ("get", "/api/oruk/taxonomy_terms", {"none": EVERYONE}),
    "oruk:taxonomy_term": ("get", "/api/oruk/taxonomy_terms/{term}", {"none": EVERYONE}),
    "oruk:events_ics": ("get", "/feeds/events.ics?area=E05011366", {"none": EVERYONE}),
    "oruk:listings_rss": ("get", "/feeds/listings.rss", {"none": EVERYONE}),
    "oruk:listings_atom": ("get", "/feeds/listings.atom", {"none": EVERYONE}),
    "oruk:listings_geojson": ("get", "/feeds/listings.geojson?area=E05011366", {"none": EVERYONE}),
    "oruk:search_csv": ("get", "/search.csv?q=walking", {"none": EVERYONE}),
    "oruk:embed": ("get", "/embed/whats-on/?area=E05011366", {"none": EVERYONE}),
    "oruk:news": ("get", "/news/", {"none": EVERYONE}),
    # Keeping listings right: link workers check, review suggestions and edit; organisations claim and edit theirs.
    "freshness:review": ("get", "/listings/review/", {"none": CARE}),
    "freshness:dashboard": ("get", "/listings/freshness/", {"none": EVERYONE}),
    "freshness:suggestions": ("get", "/listings/suggestions/", {"none": CARE}),
    "freshness:suggestion": ("get", "/listings/suggestions/{suggestion}/", {"none": CARE}),
    "freshness:claims": ("get", "/listings/claims/", {"none": {"administrator"}}),
    "freshness:check": ("post", "/listings/{service}/check/", {"none": CARE}),
    "freshness:edit": ("get", "/listings/{service}/edit/", {"none": CARE}),
    "freshness:suggest": ("get", "/services/{service}/suggest/", {"none": EVERYONE}),
    "freshness:claim": ("get", "/organisations/{organisation}/claim/", {"none": EVERYONE}),
    "freshness:claim_confirm": ("get", "/claims/{claim_token}/", {"none": EVERYONE}),
    "freshness:my_listings": ("get", "/organisation/listings/", {"none": {"organisation_editor"}}),
    # What's on is public, and so is the digest: its links carry their own secret token.
    "whatson:week": ("get", "/whats-on/?area=E05011366", {"none": EVERYONE}),
    "whatson:newsletter": ("get", "/whats-on/newsletter/?area=E05011366", {"none": EVERYONE}),
    "whatson:subscribe": ("get", "/whats-on/digest/", {"none": EVERYONE}),
    "whatson:confirm": ("get", "/whats-on/digest/confirm/{digest_token}/", {"none": EVERYONE}),
    "whatson:unsubscribe": ("get", "/whats-on/digest/unsubscribe/{digest_token}/", {"none": EVERYONE}),
    # Pools and group opportunities are the care team's: names of their own people, and their team's groups.
    "together:board": ("get", "/pools/?ward=E05011366", {"none": CARE}),
    "together:open": ("get", "/pools/E05011366/active/open/", {"none": CARE}),
    "together:opportunity": (
        "get",
        "/groups/{opportunity}/",
        {"own": {"link_worker", "lead", "administrator"}, "other": {"administrator"}},
    ),
    "together:act": (
        "post",
        "/groups/{opportunity}/act/",
        {"own": {"link_worker", "lead", "administrator"}, "other": {"administrator"}},
    ),
    # Enquiries: professionals ask; the link workers who cover the ward answer; nobody else sees them.
    "enquiries:queue": ("get", "/enquiries/", {"none": CARE | {"professional"}}),
    "enquiries:new": ("get", "/enquiries/new/", {"none": {"professional"}}),
    "enquiries:detail": (
        "get",
        "/enquiries/{enquiry}/",
        {"own": {"link_worker", "professional", "administrator"}, "other": {"administrator"}},
    ),
    "enquiries:answer": (
        "get",
        "/enquiries/{enquiry}/answer/",
        {"own": {"link_worker", "administrator"}, "other": {"administrator"}},
    ),
    # Import problems and duplicates are for the people who keep the directory.
    "oruk:imports": ("get", "/imports/", {"none": CARE}),
    "oruk:problems": ("get", "/imports/problems/", {"none": CARE}),
    "oruk:read_now": ("post", "/imports/sources/{source}/read/", {"none": CARE}),
    "oruk:duplicates": ("get", "/imports/duplicates/", {"none": CARE}),
    "oruk:decide": ("post", "/imports/duplicates/{pair}/", {"none": CARE}),
    "oruk:fold": ("get", "/imports/duplicates/{pair}/fold/", {"none": CARE}),
    "oruk:undo": ("post", "/imports/duplicates/{pair}/undo/", {"none": CARE}),
    "directory:home": ("get", "/", {"none": EVERYONE}),
    "directory:search": ("get", "/search/?q=walking", {"none": EVERYONE}),
    "directory:search_print": ("get", "/search/print/?q=walking", {"none": EVERYONE}),
    "directory:service": ("get", "/services/{service}/", {"none": EVERYONE}),
    "directory:organisation": ("get", "/organisations/{organisation}/", {"none": EVERYONE}),
    "directory:area": ("get", "/areas/E05011366/", {"none": EVERYONE}),
}
# Roles that may use the page, though none of the test's objects is theirs: a lead's team answers no enquiry
# here, and the organisation editor's organisation runs none of these listings. They get the 404.
NOT_YOURS = {("enquiries:detail", "lead"), ("enquiries:answer", "lead"), ("freshness:check", "organisation_editor"),
             ("freshness:edit", "organisation_editor")}  # fmt: skip
# Django admin has its own rules (staff, second factor, model permissions): tests/test_admin.py.
ELSEWHERE = "admin"
# Connected systems post with a key, never as a person: tests/interop (401 with an OperationOutcome without one).
FOR_SYSTEMS = {"interop:process_message"}


def url_names(patterns=None, namespace=None):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            yield from url_names(pattern.url_patterns, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def test_every_url_has_an_entry():
    names = {n for n in url_names() if not n.startswith(f"{ELSEWHERE}:")} - FOR_SYSTEMS
    assert names - set(RULES) == set(), "add these URLs to RULES"
    assert set(RULES) - names == set(), "RULES names URLs that no longer exist"


def _response_to_referrer(relation, referral):
    """A response to a referring system that could not be sent (no endpoint): one to send again."""
    import uuid

    from django.utils import timezone

    from kith.interop.models import ConnectedSystem, SentMessage

    system = ConnectedSystem.objects.create(name=f"{relation} GP system", key_prefix=relation, key_hash="-")
    return SentMessage.objects.create(
        message_id=uuid.uuid4(), system=system, referral=referral, team=referral.team, kind="accepted",
        summary="Accepted.", next_attempt_at=timezone.now(),
    )  # fmt: skip


def _objects(world):
    """For each relation, the ids a URL needs."""
    service = Service.objects.filter(is_demo=True).first()
    objects = {}
    from kith.enquiries import services as enquiries
    from kith.geo.models import Area

    wards = list(Area.objects.filter(level="ward").order_by("code")[:2])
    for relation, person, worker, asker, ward, referral in [
        ("own", world.person, world.link_worker, world.professional, wards[0], world.referral),
        (
            "other",
            world.other_person,
            world.other_link_worker,
            world.other_professional,
            wards[1],
            world.other_referral,
        ),
    ]:
        worker.profile.neighbourhoods.add(ward)
        enquiry = enquiries.ask(user=asker, ward=ward, category=None, need="Likes walking", barriers=[])
        from kith.together import services as groups

        opportunity = groups.open_opportunity(
            user=worker, ward=ward, category=TaxonomyTerm.objects.get(code="active"), title="Walkers", path="run"
        )
        want = people.add_want(user=worker, person=person, term=TaxonomyTerm.objects.get(code="active"))
        consent = people.record_consent(
            user=worker,
            person=person,
            purpose="insight",
            decision="agreed",
            method="phone",
            wording="May we count you?",
        )
        note = people.add_note(user=worker, person=person, text="A note")
        (connection,) = matching.connect(user=worker, person=person, services=[service])
        shared = matching.share_list(user=worker, person=person, services=[service])
        sent = _response_to_referrer(relation, referral)
        objects[relation] = {
            "sent": sent.pk,
            "person": person.uuid,
            "referral": referral.uuid,
            "want": want.pk,
            "consent": consent.pk,
            "note": note.pk,
            "connection": connection.pk,
            "token": shared.token,
            "list": shared.pk,
            "service": service.uuid,
            "organisation": service.organisation.uuid,
            "placement": service.service_at_locations.first().uuid,
            "taxonomy": TaxonomyTerm.objects.first().taxonomy.uuid,
            "term": TaxonomyTerm.objects.first().uuid,
            "enquiry": enquiry.uuid,
            "opportunity": opportunity.uuid,
        }
    from kith.directory.models import Organisation
    from kith.feeds.models import PossibleDuplicate

    pair = PossibleDuplicate.objects.create(
        first=Organisation.objects.create(name="Twin", source="csv:1", source_id="a"),
        second=Organisation.objects.create(name="Twin", source="csv:2", source_id="b"),
        reason="Same name",
    )
    from django.core import signing

    from kith.freshness import services as upkeep
    from kith.freshness.models import Claim

    suggestion = upkeep.suggest(service=service, kind="closed", details="")
    claim = Claim.objects.create(organisation=service.organisation, name="A", email="a@example.org", status="emailed")
    token = signing.dumps(claim.pk, salt=upkeep.CLAIM_SALT)
    from kith.whatson.models import DigestSubscription

    subscription = DigestSubscription.objects.create(email="d@example.org", ward_id="E05011366")
    from kith.feeds.models import Source

    big = Source.objects.create(kind="csv", location="https://example.invalid/big.csv", name="Big")
    from kith.feeds.models import ImportRun

    ImportRun.objects.create(source=big, status="done", counts={"created": 5000})  # refused, never fetched
    objects["none"] = {
        **objects["own"],
        "source": big.pk,
        "pair": pair.pk,
        "suggestion": suggestion.pk,
        "claim_token": token,
        "digest_token": subscription.token,
    }
    return objects


@pytest.mark.parametrize("persona", PERSONAS)
def test_authorisation_matrix(client, persona):
    world = build_world()
    objects = _objects(world)
    if persona != "anonymous":
        sign_in(client, getattr(world, persona))
    failures = []
    for name, (method, template, allowed_by_relation) in RULES.items():
        for relation, allowed in allowed_by_relation.items():
            path = template.format(**objects[relation])
            response = getattr(client, method)(path)
            if name == "accounts:logout" and persona != "anonymous":
                sign_in(client, getattr(world, persona))  # signed out by the check: sign in again
            if persona in allowed:
                # 400: let in, and the empty form refused with words.
                ok = response.status_code in (200, 302, 400) and not (
                    response.status_code == 302
                    and "/accounts/sign-in/" in response["Location"]
                    and not name.startswith("accounts:")
                )
            elif persona == "anonymous":
                ok = response.status_code == 302 and "/accounts/sign-in/" in response["Location"]
            elif (name, persona) in NOT_YOURS or any(persona in others for others in allowed_by_relation.values()):
                ok = response.status_code == 404
            else:
                ok = response.status_code == 403 and b"You need to be " in response.content
            if not ok:
                failures.append(f"{persona} {method.upper()} {path} ({name}, {relation}): {response.status_code}")
    assert failures == []


def test_a_404_for_someone_elses_record_is_the_same_as_for_no_record(client):
    world = build_world()
    sign_in(client, world.link_worker)
    theirs = client.get(f"/people/{world.other_person.uuid}/")
    nobody = client.get("/people/00000000-0000-0000-0000-000000000000/")
    assert theirs.status_code == nobody.status_code == 404
    token = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')  # differs on every response
    assert token.sub(b"", theirs.content) == token.sub(b"", nobody.content)


def test_an_organisation_sees_connections_only_with_the_persons_agreement(client):
    world = build_world()
    service = Service.objects.filter(is_demo=True).first()
    service.organisation = world.organisation
    service.save(update_fields=["organisation"])
    matching.connect(user=world.link_worker, person=world.person, services=[service])
    sign_in(client, world.organisation_editor)
    assert "Alex" not in client.get("/organisation/connections/").content.decode()
    consent = people.record_consent(
        user=world.link_worker,
        person=world.person,
        purpose="share-with-organisation",
        decision="agreed",
        method="in-person",
        wording="May we tell the club?",
        organisation=world.organisation,
    )
    assert "Alex" in client.get("/organisation/connections/").content.decode()
    people.withdraw_consent(user=world.link_worker, consent=consent)
    assert "Alex" not in client.get("/organisation/connections/").content.decode()
    assert Consent.objects.filter(person=world.person, withdrawn_at__isnull=False).exists()


# Pages anyone may open that still show something of one person: the list a link worker shared with them.
PUBLIC_BUT_PERSONAL = {"matching:shared_list"}


@pytest.mark.parametrize("persona", ["administrator", "link_worker", "professional", "organisation_editor"])
def test_every_page_that_may_show_a_person_is_never_stored(client, persona):
    """Staff pages and personal links answer `Cache-Control: no-store`, so no browser or proxy keeps them."""
    world = build_world()
    objects = _objects(world)
    sign_in(client, getattr(world, persona))
    checked, failures = 0, []
    for name, (method, template, allowed_by_relation) in RULES.items():
        if method != "get" or name == "accounts:logout":
            continue
        for relation, allowed in allowed_by_relation.items():
            if persona not in allowed or (allowed == EVERYONE and name not in PUBLIC_BUT_PERSONAL):
                continue
            path = template.format(**objects[relation])
            response = client.get(path)
            if response.status_code != 200:
                continue
            checked += 1
            if "no-store" not in response.get("Cache-Control", ""):
                failures.append(f"{path} ({name}): Cache-Control {response.get('Cache-Control')!r}")
    assert failures == []
    assert checked >= 3
