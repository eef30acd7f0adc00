from django.conf import settings


def tusoi(request):
    """Values every page template needs."""
    return {"TUSOI_DEMO": settings.DEMO}
