"""How much waits in the import queues, for the staff home."""

from django.db.models import OuterRef, Subquery

from kith.feeds.models import ImportRun, PossibleDuplicate, Problem, Source


def problems_waiting(user) -> int:
    """Records the latest run of each source could not take."""
    latest = ImportRun.objects.filter(source=OuterRef("pk")).order_by("-started_at").values("pk")[:1]
    runs = Source.objects.annotate(latest_run=Subquery(latest)).values("latest_run")
    return Problem.objects.filter(run__in=runs, severity=Problem.Severity.QUARANTINED).count()


def duplicates_waiting(user) -> int:
    return PossibleDuplicate.objects.waiting().count()
