"""Import problems and possible duplicates, for the people who keep the directory."""

import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Q, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from kith.accounts.decorators import staff_required
from kith.accounts.roles import KEEPERS
from kith.core import audit
from kith.core.converters import as_id
from kith.feeds import services
from kith.feeds.importers.run import run_source
from kith.feeds.importers.writer import SAME_NAME_ONLY
from kith.feeds.models import ImportRun, PossibleDuplicate, Problem, Source


def _latest_runs():
    return ImportRun.objects.filter(source=OuterRef("pk")).order_by("-started_at").values("pk")[:1]


@staff_required(*KEEPERS, to="see imports")
def imports(request):
    """Every source, its last run and how many records that run could not take."""
    sources = list(Source.objects.annotate(latest_run=Subquery(_latest_runs())).order_by("name"))
    runs = {
        run.pk: run
        for run in ImportRun.objects.filter(pk__in=[s.latest_run for s in sources if s.latest_run]).annotate(
            quarantined=Count("problems", filter=Q(problems__severity=Problem.Severity.QUARANTINED)),
            dropped=Count("problems", filter=Q(problems__severity=Problem.Severity.FIELD_DROPPED)),
        )
    }
    rows = [(source, runs.get(source.latest_run)) for source in sources]
    for _, run in rows:
        if run is not None:
            run.counts_text = counts_text(run.counts) or "nothing new"
    for source, run in rows:
        source.can_read_now = source.kind != Source.Kind.DEMO and (run is None or run_size(run) <= READ_NOW_LIMIT)
    undecided = PossibleDuplicate.objects.waiting().count()
    return render(request, "feeds/imports.html", {"rows": rows, "undecided": undecided, "limit": READ_NOW_LIMIT})


# Read in the request, so only sources small enough to finish well inside a request's time; larger ones
# wait for the harvest (a job runner is for later).
READ_NOW_LIMIT = 2000


def run_size(run: ImportRun) -> int:
    return sum(value for key, value in (run.counts or {}).items() if not key.startswith("news"))


@require_POST
@staff_required(*KEEPERS, to="read a source again")
def read_now(request, source_id):
    """After a problem is fixed at the source: read it again now rather than at the next harvest."""
    source = get_object_or_404(Source, pk=source_id)
    last = ImportRun.objects.filter(source=source).order_by("-started_at").first()
    if source.kind == Source.Kind.DEMO or (last is not None and run_size(last) > READ_NOW_LIMIT):
        messages.error(request, f"{source.name} is too large to read from this page; the next harvest reads it.")
        return redirect("oruk:imports")
    audit.record(user=request.user, action="update", what="import source", object_id=source.pk, change="read now")
    run = run_source(source)
    if run.status == "done":
        messages.success(request, f"{source.name} read again: {counts_text(run.counts) or 'nothing new'}.")
    else:
        messages.error(request, f"{source.name} could not be read: {run.error}")
    return redirect("oruk:imports")


@staff_required(*KEEPERS, to="see import problems")
def problems(request):
    """What the latest run of each source could not take, or took without a field, and why."""
    latest = Source.objects.annotate(latest_run=Subquery(_latest_runs())).values("latest_run")
    found = Problem.objects.filter(run__in=latest).select_related("run__source").order_by("run__source__name", "id")
    source = request.GET.get("source", "")
    if as_id(source) is not None:
        found = found.filter(run__source_id=as_id(source))
    severity = request.GET.get("severity", "")
    if severity in Problem.Severity.values:
        found = found.filter(severity=severity)
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "feeds/problems.html",
        {
            "page": page,
            "sources": Source.objects.order_by("name"),
            "source": source,
            "severity": severity,
            "severities": Problem.Severity.choices,
        },
    )


@staff_required(*KEEPERS, to="decide possible duplicates")
def duplicates(request):
    """Organisations from two sources with the same name: a person says whether they are one."""
    pairs = PossibleDuplicate.objects.waiting().select_related("first", "second").order_by("id")
    page = Paginator(pairs, 25).get_page(request.GET.get("page"))
    since = timezone.now() - dt.timedelta(days=services.UNDO_DAYS)
    recent = list(
        PossibleDuplicate.objects.filter(decided__in=["same", "different"], decided_at__gte=since, second__isnull=False)
        .select_related("first", "second", "decided_by")
        .order_by("-decided_at")[:50]
    )
    names = source_names()
    for pair in [*page, *recent]:
        describe(pair, names)
    for pair in recent:
        pair.undo_until = services.undo_until(pair)
    return render(request, "feeds/duplicates.html", {"page": page, "recent": recent, "undo_days": services.UNDO_DAYS})


def describe(pair: PossibleDuplicate, names: dict[str, str]) -> PossibleDuplicate:
    """Each side's source by the name people gave it, and the reason in words (older pairs stored source keys)."""
    pair.first_from = names.get(pair.first.source, "entered in Kith")
    pair.second_from = names.get(pair.second.source, "entered in Kith")
    pair.why = SAME_NAME_ONLY if pair.reason.startswith("Same name from ") else pair.reason
    return pair


def fold_text(pair: PossibleDuplicate) -> str:
    """The fold in words, naming each side's source when the two have one name."""
    if pair.second.name == pair.first.name:
        return f"{pair.second.name} from {pair.second_from} into the one from {pair.first_from}"
    return f"{pair.second.name} into {pair.first.name}"


def source_names() -> dict[str, str]:
    """A record's `source` key ("csv:3") → the name people gave the source ("Moston volunteers sheet")."""
    return {source.key: source.name for source in Source.objects.only("id", "kind", "name")}


COUNT_WORDS = {
    "created": "new",
    "updated": "changed",
    "unchanged": "unchanged",
    "inactivated": "no longer listed",
    "quarantined": "not imported",
    "news created": "news items new",
    "news updated": "news items changed",
    "news retired": "news items dropped",
}


def counts_text(counts: dict) -> str:
    """A run's counts in words: "12 new, 3 changed, 1 not imported"."""
    return ", ".join(f"{value:,} {COUNT_WORDS.get(key, key)}" for key, value in counts.items() if value)


@require_POST
@staff_required(*KEEPERS, to="decide possible duplicates")
def decide(request, pair_id):
    """Keep two organisations apart at once; folding them into one asks first, on its own page."""
    pair = get_object_or_404(PossibleDuplicate.objects.select_related("first", "second"), pk=pair_id)
    if request.POST.get("decision") == "same":
        return redirect("oruk:fold", pair_id=pair.pk)
    try:
        services.decide_duplicate(pair, request.POST.get("decision", ""), user=request.user)
    except services.DecisionError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, f"{pair.first.name}: kept apart. You can undo this below for {services.UNDO_DAYS} days."
        )
    return redirect("oruk:duplicates")


@staff_required(*KEEPERS, to="decide possible duplicates")
def fold(request, pair_id):
    """Say what folding moves and that it can be undone, then fold when the person confirms."""
    pair = get_object_or_404(PossibleDuplicate.objects.waiting().select_related("first", "second"), pk=pair_id)
    if request.method == "POST":
        try:
            services.decide_duplicate(pair, "same", user=request.user)
        except services.DecisionError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                f"Folded {fold_text(describe(pair, source_names()))}: its listings are listed there now and its "
                f"old page sends people on. You can undo this below for {services.UNDO_DAYS} days.",
            )
        return redirect("oruk:duplicates")
    describe(pair, source_names())
    counts = services.what_a_fold_moves(pair)
    moving = [
        f"{n:,} {word if n == 1 else plural}"
        for n, word, plural in [
            (counts["services"], "listing", "listings"),
            (counts["locations"], "place", "places"),
            (counts["contacts"], "contact", "contacts"),
            (counts["phones"], "phone number", "phone numbers"),
            (counts["editors"], "organisation editor's account", "organisation editors' accounts"),
        ]
        if n
    ]
    context = {"pair": pair, "counts": counts, "moving": moving, "undo_days": services.UNDO_DAYS,
               "same_name": pair.first.name == pair.second.name}  # fmt: skip
    return render(request, "feeds/fold.html", context)


@require_POST
@staff_required(*KEEPERS, to="decide possible duplicates")
def undo(request, pair_id):
    pair = get_object_or_404(PossibleDuplicate.objects.select_related("first", "second"), pk=pair_id)
    was = pair.decided
    try:
        services.undo_decision(pair, user=request.user)
    except services.DecisionError as error:
        messages.error(request, str(error))
    else:
        if was == "same":
            text = f"{pair.second.name} is its own organisation again, with its listings; the pair waits to be decided."
        else:
            text = f"{pair.first.name} and {pair.second.name} wait to be decided again."
        messages.success(request, f"Undone. {text}")
    return redirect("oruk:duplicates")
