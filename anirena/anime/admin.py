from django.contrib import admin

from anirena.anime.models import Anime
from anirena.moderation.admin_tools import AuditedAdmin


@admin.register(Anime)
class AnimeAdmin(AuditedAdmin, admin.ModelAdmin):
    """Anime entries come from `anirena import-anime`; edits here are overwritten by the next import."""

    audit_object = "anime"
    list_display = ("title", "anime_type", "episodes", "status", "season", "season_year")
    list_filter = ("anime_type", "status", "season")
    search_fields = ("title", "titles__text")
    readonly_fields = ("id", "sources", "created_at", "updated_at")
