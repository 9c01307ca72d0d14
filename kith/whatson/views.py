"""What's on: a week of activities by area and category, a printable newsletter, and the email digest."""

import datetime as dt
from dataclasses import replace

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_exempt
from django_ratelimit.core import is_ratelimited

from kith.directory.models import Service, TaxonomyTerm
from kith.directory.search.engine import search
from kith.feeds.models import NewsItem
from kith.feeds.views import BadFeedQuery, query_from_request
from kith.geo.choices import ward_choices
from kith.whatson import services as digest
from kith.whatson.forms import SubscribeForm
from kith.whatson.week import for_one_sheet, week

WEEK_LIMIT = 2000


def _first_day(request) -> dt.date:
    value = request.GET.get("from", "")
    if not value:
        return timezone.localdate()
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise BadFeedQuery("from= must be a date like 2026-12-01.") from None
    if abs((day - timezone.localdate()).days) > 400:
        raise BadFeedQuery("from= must be within a year of today.")
    return day


def _where(query) -> str:
    if query.area is not None:
        return query.area.name
    return query.place.label if query.place else ""


def _bad(request, error, template="whatson/week.html"):
    context = {"error": str(error), "wards": ward_choices(), "categories": _categories()}
    return render(request, template, context, status=400)


def _categories():
    return list(TaxonomyTerm.objects.what_matters().values_list("code", "name"))


@cache_control(public=True, max_age=600)
def whats_on(request):
    wards = ward_choices()
    if not (request.GET.get("area") or request.GET.get("near")):
        form = SubscribeForm()
        return render(request, "whatson/week.html", {"wards": wards, "categories": _categories(), "subscribe": form})
    try:
        query = replace(query_from_request(request, limit=WEEK_LIMIT), scheduled=True)
        first = _first_day(request)
    except BadFeedQuery as error:
        return _bad(request, error)
    days = week(search(query).hits, first)
    params = request.GET.copy()
    params.pop("from", None)
    subscribe = SubscribeForm(initial={"ward": query.area.code if query.area is not None else ""})
    return render(
        request,
        "whatson/week.html",
        {
            "wards": wards,
            "categories": _categories(),
            "query": query,
            "where": _where(query),
            "days": days,
            "first": first,
            "previous": first - dt.timedelta(days=7),
            "next": first + dt.timedelta(days=7),
            "params": params.urlencode(),
            "count": sum(len(found) for _, found in days),
            "subscribe": subscribe,
        },
    )


@cache_control(public=True, max_age=600)
def newsletter(request):
    """A printable A4 page for noticeboards: the week, news from local groups, new listings."""
    try:
        query = replace(query_from_request(request, limit=WEEK_LIMIT), scheduled=True)
        first = _first_day(request)
    except BadFeedQuery as error:
        return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")
    if query.area is None and query.place is None:
        return HttpResponse("Say where: area= a ward code, or near= a postcode.", status=400, content_type="text/plain")
    hits = search(query).hits
    days = for_one_sheet(week(hits, first))
    recent = timezone.now() - dt.timedelta(days=60)
    new = Service.objects.filter(pk__in={h.service.pk for h in hits}, created_at__gte=recent).order_by("-created_at")
    return render(
        request,
        "whatson/newsletter.html",
        {
            "where": _where(query),
            "days": days,
            "first": first,
            "last": first + dt.timedelta(days=6),
            "news": list(NewsItem.objects.filter(active=True).order_by("-published_at")[:3]),
            "new": list(new.select_related("organisation")[:4]),
            "online": request.build_absolute_uri(reverse("whatson:week")) + "?" + request.GET.urlencode(),
            "printed": timezone.localdate(),
        },
    )  # fmt: skip


def subscribe(request):
    if request.method != "POST":
        return render(request, "whatson/subscribe.html", {"form": SubscribeForm()})
    form = SubscribeForm(request.POST)
    if is_ratelimited(request, group="digest", key="ip", rate="5/h", increment=True):
        return render(request, "whatson/subscribe.html", {"form": form, "limited": True}, status=429)
    if not form.is_valid():
        return render(request, "whatson/subscribe.html", {"form": form}, status=400)
    if not form.cleaned_data["website"]:  # the spam trap: bots see the same page, nothing is sent
        digest.subscribe(email=form.cleaned_data["email"], ward=form.cleaned_data["ward"])
    return render(request, "whatson/subscribe_sent.html", {"email": form.cleaned_data["email"]})


def confirm(request, token):
    subscription = digest.confirm(token[:64])
    status = 200 if subscription else 404
    return render(request, "whatson/confirmed.html", {"subscription": subscription}, status=status)


@csrf_exempt  # mail clients unsubscribe with one POST (RFC 8058); the token in the address is the secret
def unsubscribe(request, token):
    subscription = None
    if request.method == "POST":
        subscription = digest.unsubscribe(token[:64])
        done = True
    else:
        subscription, done = digest.find(token[:64]), False
    status = 200 if subscription else 404
    return render(request, "whatson/unsubscribe.html", {"subscription": subscription, "done": done}, status=status)
