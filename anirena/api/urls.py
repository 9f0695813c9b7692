from django.urls import path, re_path

from anirena.api import views
from anirena.api.api import api

urlpatterns = [
    path("guide/api", views.api_guide, name="api-guide"),
    path("api/", api.urls),
    # Any other address under /api/ returns a JSON 404, not the site's HTML page.
    re_path(r"^api/", views.not_found),
]
