from django.conf import settings


def site(request):
    return {"site_name": settings.KITH_SITE_NAME}
