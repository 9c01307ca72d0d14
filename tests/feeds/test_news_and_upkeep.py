"""Newsletter news items, the import problems page and deciding possible duplicates."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kith.directory.models import Organisation, Service
from kith.feeds.models import NewsItem, OrganisationLink, PossibleDuplicate, Problem
from tests.feeds.test_importers import import_file, v1_service
from tests.personas import build_world, sign_in

pytestmark = pytest.mark.django_db


def atom(*entries: str) -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        "<title>Blackley Bugle</title><id>urn:bugle</id><updated>2026-11-01T09:00:00Z</updated>"
        + "".join(entries)
        + "</feed>"
    )


def entry(n: int, title: str = "", when: str = "2026-11-0{n}T09:00:00Z", link: bool = True) -> str:
    title = title if title is not None else ""
    return (
        f"<entry><id>urn:bugle:{n}</id><title>{title or f'Story {n}'}</title>"
        f"<updated>{when.format(n=n)}</updated>"
        "<summary>&lt;p&gt;Read &lt;b&gt;all&lt;/b&gt; about it&lt;/p&gt;</summary>"
        + (f'<link href="https://bugle.example/{n}"/>' if link else "")
        + "</entry>"
    )


def test_news_is_created_updated_and_retired_as_the_feed_changes(tmp_path):
    first, source = import_file(tmp_path, atom(entry(1), entry(2), entry(3)), kind="rss", name="bugle.atom")
    assert first.status == "done", first.error
    assert first.counts["news created"] == 3
    item = NewsItem.objects.get(source=source, guid="urn:bugle:1")
    assert item.summary == "Read all about it" and item.link == "https://bugle.example/1"
    assert item.published_at.isoformat() == "2026-11-01T09:00:00+00:00"

    again, _ = import_file(tmp_path, atom(entry(1), entry(2), entry(3)), kind="rss", name="bugle.atom")
    assert (again.counts["news created"], again.counts["news updated"], again.counts["news retired"]) == (0, 0, 0)

    later, _ = import_file(tmp_path, atom(entry(1, "Story 1, corrected"), entry(2)), kind="rss", name="bugle.atom")
    assert (later.counts["news created"], later.counts["news updated"], later.counts["news retired"]) == (0, 1, 1)
    assert NewsItem.objects.get(guid="urn:bugle:1").title == "Story 1, corrected"
    assert not NewsItem.objects.get(guid="urn:bugle:3").active
    assert NewsItem.objects.filter(source=source).count() == 3  # nothing duplicated, nothing deleted


def test_a_news_item_without_a_title_is_quarantined_with_its_reason(tmp_path):
    feed = atom(entry(1), "<entry><id>urn:bugle:9</id><updated>2026-11-09T09:00:00Z</updated></entry>")
    run, _ = import_file(tmp_path, feed, kind="rss", name="bugle.atom")
    assert run.counts["news created"] == 1 and run.counts["quarantined"] == 1
    assert "no title" in Problem.objects.get(run=run).reason


def test_the_news_page_lists_current_items_newest_first_in_few_queries(tmp_path, client):
    entries = [entry(n, when="2026-11-{n:02d}T09:00:00Z") for n in range(1, 26)]
    import_file(tmp_path, atom(*entries), kind="rss", name="bugle.atom")
    NewsItem.objects.filter(guid="urn:bugle:25").update(active=False)
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/news/")
    assert page.status_code == 200 and len(queries) <= 4
    body = page.content.decode()
    assert "Story 25" not in body and body.index("Story 24") < body.index("Story 23")
    assert "Blackley Bugle" in body and "Page 2 of 2" in body
    assert "Story 1<" in client.get("/news/?page=2").content.decode()


@pytest.fixture
def world():
    return build_world()


def test_import_pages_are_for_the_people_who_keep_the_directory(tmp_path, client, world):
    run, source = import_file(tmp_path, [v1_service(1), {"id": "bad", "name": ""}])
    assert run.counts["quarantined"] == 1
    assert client.get("/imports/problems/").status_code == 302  # to sign in
    sign_in(client, world.planner)
    refused = client.get("/imports/problems/")
    assert (
        refused.status_code == 403
        and "to see import problems. You are signed in as a planner." in refused.content.decode()
    )
    client.logout()
    sign_in(client, world.link_worker)
    overview = client.get("/imports/").content.decode()
    assert source.name in overview and f"?source={source.pk}&amp;severity=quarantined" in overview
    assert "1 listing with no place: it cannot appear on maps" in overview  # a v1 feed gives no places
    problems = client.get(f"/imports/problems/?source={source.pk}&severity=quarantined").content.decode()
    assert "1 problem." in problems and "the service has no name" in problems
    assert "0 problems." in client.get(f"/imports/problems/?source={source.pk + 99}").content.decode()


def test_import_problem_pages_do_not_grow_queries_with_sources(tmp_path, client, world):
    sign_in(client, world.link_worker)

    def counted():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/imports/").status_code == 200
            assert client.get("/imports/problems/").status_code == 200
        return len(queries)

    import_file(tmp_path, [{"id": "bad", "name": ""}], name="a.json")
    few = counted()
    for n in range(5):
        import_file(tmp_path, [{"id": "bad", "name": ""}, v1_service(n)], name=f"more-{n}.json")
    assert counted() == few


def test_folding_asks_first_then_moves_listings_and_sends_the_old_page_on(tmp_path, client, world):
    import_file(tmp_path, [v1_service(1)], name="first.json")
    org = {"id": "org-x", "name": "Org 1", "url": "https://elsewhere.example/"}
    _run, third = import_file(tmp_path, [v1_service(7, organization=org)], name="third.json")
    pair = PossibleDuplicate.objects.get(second__source_id="org-x")
    keep, fold = pair.first, pair.second
    sign_in(client, world.link_worker)
    queue = client.get("/imports/duplicates/").content.decode()
    assert "Org 1" in queue and "elsewhere.example" in queue
    # "The same" asks first, saying what will move and that it can be undone; nothing moves yet.
    asked = client.post(f"/imports/duplicates/{pair.pk}/", {"decision": "same"}, follow=True)
    page = asked.content.decode()
    assert asked.redirect_chain[-1][0] == f"/imports/duplicates/{pair.pk}/fold/"
    assert "<li>1 listing</li>" in page and "undo this for 30 days" in page and "oruk-v1:" not in page
    assert Service.objects.get(source=third.key).organisation == fold
    response = client.post(f"/imports/duplicates/{pair.pk}/fold/", follow=True)
    assert "Folded Org 1 from third.json into the one from first.json" in response.content.decode()
    assert Service.objects.get(source=third.key).organisation == keep
    assert OrganisationLink.objects.filter(source=third.key, source_id="org-x", organisation=keep).exists()
    pair.refresh_from_db()
    assert (pair.decided, pair.second, pair.folded_name) == ("same", fold, "Org 1")
    # The folded organisation's old addresses send people, and API clients, to the kept one.
    old = client.get(f"/organisations/{fold.uuid}/")
    assert old.status_code == 302 and old["Location"] == f"/organisations/{keep.uuid}/"  # not 301: undo is possible
    api = client.get(f"/api/oruk/organizations/{fold.uuid}")
    assert api.status_code == 302 and api["Location"].endswith(f"/api/oruk/organizations/{keep.uuid}")
    listed = client.get("/api/oruk/organizations?search=Org 1").json()
    assert [o["id"] for o in listed["contents"]] == [str(keep.uuid)]
    # The next harvest of that source updates the kept organisation instead of making the other again.
    again, _ = import_file(tmp_path, [v1_service(7, organization=org, name="Renamed")], name="third.json")
    assert again.status == "done" and again.counts["updated"] == 1
    assert Organisation.objects.filter(name="Org 1", folded_into__isnull=True).count() == 1
    assert Service.objects.get(source=third.key).organisation == keep
    twice = client.post(f"/imports/duplicates/{pair.pk}/fold/", follow=True)
    assert twice.status_code == 404  # no longer waiting to be decided
    assert "Nothing to decide" in client.get("/imports/duplicates/").content.decode()


def test_a_fold_is_undone_within_30_days_moving_back_what_it_moved(tmp_path, client, world):
    import datetime as dt

    from django.utils import timezone

    from kith.core.models import AuditEvent
    from kith.feeds import services as decisions
    from kith.people import services as people

    import_file(tmp_path, [v1_service(1)], name="first.json")
    org = {"id": "org-x", "name": "Org 1", "url": "https://elsewhere.example/"}
    _run, third = import_file(tmp_path, [v1_service(7, organization=org)], name="third.json")
    pair = PossibleDuplicate.objects.get()
    keep, fold = pair.first, pair.second
    theirs = people.record_consent(
        user=world.link_worker, person=world.person, purpose="share-with-organisation", decision="agreed",
        method="phone", wording="May we tell Org 1?", organisation=fold,
    )  # fmt: skip
    kept_own = people.record_consent(
        user=world.link_worker, person=world.person, purpose="share-with-organisation", decision="agreed",
        method="phone", wording="May we tell the first Org 1?", organisation=keep,
    )  # fmt: skip
    sign_in(client, world.link_worker)
    client.post(f"/imports/duplicates/{pair.pk}/fold/")
    queue = client.get("/imports/duplicates/").content.decode()
    assert "Decided in the last 30 days" in queue and "Folded into one" in queue
    undone = client.post(f"/imports/duplicates/{pair.pk}/undo/", follow=True)
    assert "is its own organisation again" in undone.content.decode()
    theirs.refresh_from_db(), kept_own.refresh_from_db()
    assert (theirs.organisation, kept_own.organisation) == (fold, keep)  # only what the fold moved goes back
    assert Service.objects.get(source=third.key).organisation == fold
    assert not OrganisationLink.objects.filter(source=third.key, source_id="org-x").exists()
    fold.refresh_from_db()
    assert fold.folded_into is None and client.get(f"/organisations/{fold.uuid}/").status_code == 200
    pair.refresh_from_db()
    assert pair.decided == "" and PossibleDuplicate.objects.waiting().filter(pk=pair.pk).exists()
    assert AuditEvent.objects.filter(what="duplicate", detail__change="undid 'same'").exists()
    changes = list(AuditEvent.objects.filter(what="consent", object_id=str(theirs.pk)).values_list("detail", flat=True))
    assert any("fold undone" in d.get("change", "") for d in changes)
    # After 30 days a decision stands.
    decisions.decide_duplicate(pair, "different", user=world.link_worker)
    PossibleDuplicate.objects.filter(pk=pair.pk).update(decided_at=timezone.now() - dt.timedelta(days=31))
    late = client.post(f"/imports/duplicates/{pair.pk}/undo/", follow=True)
    assert "can be undone for 30 days" in late.content.decode()
    pair.refresh_from_db()
    assert pair.decided == "different"


def test_deciding_different_keeps_both_and_the_queue_empties(tmp_path, client, world):
    import_file(tmp_path, [v1_service(1)], name="first.json")
    org = {"id": "org-x", "name": "Org 1", "url": "https://elsewhere.example/"}
    import_file(tmp_path, [v1_service(7, organization=org)], name="third.json")
    pair = PossibleDuplicate.objects.get()
    sign_in(client, world.lead)
    bad = client.post(f"/imports/duplicates/{pair.pk}/", {"decision": "maybe"}, follow=True)
    assert "Choose" in bad.content.decode()
    client.post(f"/imports/duplicates/{pair.pk}/", {"decision": "different"})
    assert Organisation.objects.filter(name="Org 1").count() == 2
    assert "Nothing to decide" in client.get("/imports/duplicates/").content.decode()


def test_folding_moves_consents_to_the_kept_organisation_and_audits_each(tmp_path, client, world):
    from kith.core.models import AuditEvent
    from kith.people import services as people

    import_file(tmp_path, [v1_service(1)], name="first.json")
    org = {"id": "org-x", "name": "Org 1", "url": "https://elsewhere.example/"}
    import_file(tmp_path, [v1_service(7, organization=org)], name="third.json")
    pair = PossibleDuplicate.objects.get()
    consent = people.record_consent(
        user=world.link_worker, person=world.person, purpose="share-with-organisation", decision="agreed",
        method="phone", wording="May we tell Org 1 you are coming?", organisation=pair.second,
    )  # fmt: skip
    sign_in(client, world.link_worker)
    client.post(f"/imports/duplicates/{pair.pk}/fold/")
    consent.refresh_from_db()
    assert consent.organisation == pair.first
    event = AuditEvent.objects.get(what="consent", action="update")
    assert event.person == world.person.uuid and event.username == world.link_worker.username


def test_a_problem_fixed_at_the_source_is_read_again_from_the_imports_page_and_listed(tmp_path, client, world):
    """The problem reaches the people who keep the directory; fixing the sheet and reading it again lists it."""
    header = "id,group,activity,postcode,when\n"
    bad = header + "swap-1,Moston Fairway Growers,,M40 9NQ,Saturdays 10am-12pm\n"
    run, source = import_file(tmp_path, bad, kind="csv", name="growers.csv")
    assert run.counts["quarantined"] == 1
    sign_in(client, world.link_worker)
    problems = client.get("/imports/problems/").content.decode()
    assert "row 2: the activity has no name" in problems and "read the source again" in problems
    (tmp_path / "growers.csv").write_text(
        header + "swap-1,Moston Fairway Growers,Seed Swap,M40 9NQ,Saturdays 10am-12pm\n"
    )
    overview = client.get("/imports/").content.decode()
    assert f'action="/imports/sources/{source.pk}/read/"' in overview
    response = client.post(f"/imports/sources/{source.pk}/read/", follow=True)
    assert "growers.csv read again: 1 new" in response.content.decode()
    service = Service.objects.get(source=source.key, source_id="swap-1")
    assert "Seed Swap" in client.get(f"/services/{service.uuid}/").content.decode()
    assert "0 problems." in client.get(f"/imports/problems/?source={source.pk}").content.decode()


def test_a_source_too_large_to_read_in_a_request_waits_for_the_harvest(tmp_path, client, world):
    from kith.feeds.models import ImportRun

    run, source = import_file(tmp_path, [v1_service(1)])
    ImportRun.objects.filter(pk=run.pk).update(counts={"created": 2001})
    sign_in(client, world.link_worker)
    assert f"/imports/sources/{source.pk}/read/" not in client.get("/imports/").content.decode()
    refused = client.post(f"/imports/sources/{source.pk}/read/", follow=True)
    assert "too large to read from this page" in refused.content.decode()
    assert ImportRun.objects.filter(source=source).count() == 1
