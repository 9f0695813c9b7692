from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("account/", include("anirena.accounts.urls")),
    path("", include("anirena.core.urls")),
    path("", include("anirena.torrents.urls")),
]
