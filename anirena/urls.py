from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("anirena.api.urls")),
    path("account/", include("anirena.accounts.urls")),
    path("", include("anirena.core.urls")),
    path("", include("anirena.search.urls")),
    path("", include("anirena.torrents.urls")),
    path("", include("anirena.groups.urls")),
    path("", include("anirena.comments.urls")),
    path("", include("anirena.anime.urls")),
    path("", include("anirena.stats.urls")),
    path("", include("anirena.moderation.urls")),
]
