"""FHIR endpoints for connected systems: `$process-message` (BaRS) and the CapabilityStatement."""

from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from django_ratelimit.core import is_ratelimited

from kith.interop import capability, services
from kith.interop.outcomes import operation_outcome

FHIR_JSON = "application/fhir+json"
MESSAGES_PER_MINUTE = "120/m"


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
    if is_ratelimited(request, group="fhir", key=lambda g, r: str(system.pk), rate=MESSAGES_PER_MINUTE, increment=True):
        return _fhir(429, operation_outcome(429, [("", f"More than {MESSAGES_PER_MINUTE} messages: wait a minute.")]))
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
