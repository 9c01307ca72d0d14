"""FHIR endpoints for connected systems: `$process-message` (BaRS) and the CapabilityStatement."""

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import RequestDataTooBig
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from django_ratelimit.core import is_ratelimited

from kith.accounts.decorators import staff_required
from kith.accounts.models import Role
from kith.accounts.roles import CARE, profile_of, role_of
from kith.core import audit
from kith.interop import capability, prsb, responses, services
from kith.interop import outbox as outbox_service
from kith.interop.models import SentMessage
from kith.interop.outcomes import operation_outcome
from kith.people import sharing

FHIR_JSON = "application/fhir+json"


def _fhir(status: int, body: str) -> HttpResponse:
    return HttpResponse(body, status=status, content_type=FHIR_JSON)


@csrf_exempt  # systems, not browsers: a bearer key, never a cookie
@require_POST
def process_message(request):
    system = services.system_for(request.headers.get("Authorization", ""))
    if system is None:
        response = _fhir(401, operation_outcome(401, [("", "Send the system's key as a bearer token.")]))
        response["WWW-Authenticate"] = 'Bearer realm="kith-fhir"'
        return response
    limit = settings.KITH_FHIR_MESSAGES_PER_MINUTE
    if is_ratelimited(request, group="fhir", key=lambda g, r: str(system.pk), rate=f"{limit}/m", increment=True):
        return _fhir(429, operation_outcome(429, [("", f"More than {limit} messages a minute: wait a minute.")]))
    content_type = request.content_type or ""
    if not ("json" in content_type or "xml" in content_type):
        return _fhir(415, operation_outcome(415, [("", "Send application/fhir+json or application/fhir+xml.")]))
    try:
        body = request.body
    except RequestDataTooBig:
        return _fhir(413, operation_outcome(413, [("", "The message is larger than Kith takes.")]))
    answer = services.receive(system, body, content_type)
    return _fhir(answer.status, answer.body)


@require_GET
def metadata(request):
    return _fhir(200, capability.statement())


@require_GET
def code_system(request, name):
    if name != responses.KITH_CODE_SYSTEM:
        return _fhir(404, operation_outcome(404, [("", "Kith has no code system of that name.")]))
    return _fhir(200, responses.code_system())


STATES = {
    "waiting": ("Waiting", "nhsuk-tag--blue", Q(sent_at__isnull=True, gave_up_at__isnull=True) & ~Q(endpoint="")),
    "sent": ("Sent", "nhsuk-tag--green", Q(sent_at__isnull=False)),
    "failed": ("Not sent", "nhsuk-tag--red", Q(sent_at__isnull=True, gave_up_at__isnull=False)),
    "no-endpoint": ("No endpoint", "nhsuk-tag--grey", Q(sent_at__isnull=True, gave_up_at__isnull=True, endpoint="")),
}


def _responses_seen_by(user):
    scope = SentMessage.objects.select_related("system", "team")
    if role_of(user) == Role.ADMINISTRATOR:
        return scope
    team = profile_of(user).team_id
    return scope.filter(team_id=team) if team else scope.none()


@staff_required(*CARE, Role.ADMINISTRATOR, to="see the responses sent to referring systems")
def outbox(request):
    """Responses to referrers: what was sent, what waits for another try, and what could not be sent."""
    shown = request.GET.get("state", "")
    if shown not in STATES:
        shown = ""
    seen = _responses_seen_by(request.user)
    counts = seen.aggregate(**{state.replace("-", "_"): Count("id", filter=q) for state, (_, _, q) in STATES.items()})
    chosen = seen.filter(STATES[shown][2]) if shown else seen
    rows = [{"message": m, "label": STATES[m.state][0], "tag": STATES[m.state][1]} for m in chosen[:200]]
    return render(
        request,
        "interop/outbox.html",
        {
            "rows": rows,
            "shown": shown,
            "filters": [
                {"state": s, "label": label, "count": counts[s.replace("-", "_")]}
                for s, (label, _, _) in STATES.items()
            ],
            "can_retry": role_of(request.user) in {Role.LEAD, Role.ADMINISTRATOR},
        },
    )


@require_POST
@staff_required(Role.LEAD, Role.ADMINISTRATOR, to="send a response to a referrer again")
def retry(request, message_id):
    message = _responses_seen_by(request.user).filter(pk=message_id).first()
    if message is None:
        raise Http404("No such response.")
    try:
        message = outbox_service.try_again(message, user=request.user)
    except outbox_service.NotNow as error:
        messages.error(request, str(error))
        return redirect("interop:outbox")
    if message.endpoint:
        messages.success(request, f"{message.get_kind_display()} response queued to send again.")
    else:
        messages.error(request, message.answer)
    return redirect("interop:outbox")


DOWNLOAD = {"json": ("application/fhir+json", "json"), "csv": ("text/csv; charset=utf-8", "csv")}


def _download(body: str, fmt: str, name: str) -> HttpResponse:
    kind, extension = DOWNLOAD[fmt]
    response = HttpResponse(body, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="{name}.{extension}"'
    return response


@staff_required(*CARE, Role.ADMINISTRATOR, to="export a person's social prescribing dataset")
def prsb_person(request, uuid, fmt):
    """One person's dataset in the PRSB standard's four groups, as FHIR or CSV."""
    if fmt not in DOWNLOAD:
        raise Http404("Choose json or csv.")
    data = sharing.prsb_person(request.user, uuid)
    audit.record(
        user=request.user, action="export", what="person", object_id=data.person.pk, person=data.person.uuid,
        purpose="PRSB social prescribing dataset", format=fmt,
    )  # fmt: skip
    body = prsb.person_bundle(data) if fmt == "json" else prsb.as_csv(prsb.person_rows(data))
    return _download(body, fmt, f"social-prescribing-dataset-{data.person.uuid}")


def _period(request) -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    try:
        start = dt.date.fromisoformat(request.GET.get("from") or (today - dt.timedelta(days=90)).isoformat())
        end = dt.date.fromisoformat(request.GET.get("to") or today.isoformat())
    except ValueError:
        raise PeriodError("Give the dates as year-month-day, for example 2026-04-01.") from None
    if start > end:
        raise PeriodError("The period must start on or before the day it ends.")
    return start, end


class PeriodError(ValueError):
    pass


@staff_required(Role.LEAD, Role.PLANNER, Role.ADMINISTRATOR, to="export the social prescribing dataset")
def prsb_period(request):
    """A period's counts of people in the PRSB standard's four groups, disclosure-controlled, as a page, FHIR or CSV."""
    team = profile_of(request.user).team if role_of(request.user) == Role.LEAD else None
    if role_of(request.user) == Role.LEAD and team is None:
        error = "You are not in a team yet: an administrator can add you to one."
        return render(request, "interop/prsb_period.html", {"error": error, "area": "your team"}, status=403)
    area = team.name if team else "every team"
    try:
        start, end = _period(request)
    except PeriodError as error:
        return render(request, "interop/prsb_period.html", {"error": str(error), "area": area}, status=400)
    rows = prsb.period_rows(sharing.prsb_period(start, end, team=team))
    fmt = request.GET.get("format", "")
    if fmt == "json":
        return _download(prsb.period_bundle(rows, start, end, area), fmt, f"social-prescribing-{start}-{end}")
    if fmt == "csv":
        return _download(prsb.as_csv(rows), fmt, f"social-prescribing-{start}-{end}")
    query = f"from={start}&to={end}"
    return render(
        request,
        "interop/prsb_period.html",
        {"rows": rows, "start": start, "end": end, "area": area, "query": query, "mapping": prsb.MAPPING},
    )
