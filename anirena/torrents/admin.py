from django.contrib import admin

from anirena.torrents.models import Category, Language, SubCategory, Torrent


class SubCategoryInline(admin.TabularInline):
    model = SubCategory
    extra = 0


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "is_adult", "position")
    inlines = [SubCategoryInline]


@admin.register(Language)
class LanguageAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "country_code")
    search_fields = ("code", "name")


@admin.register(Torrent)
class TorrentAdmin(admin.ModelAdmin):
    list_display = ("title", "category", "uploader", "size", "uploaded_at")
    list_filter = ("category", "is_private", "version")
    search_fields = ("title", "info_hash_v1", "info_hash_v2")
    raw_id_fields = ("uploader", "group")
    readonly_fields = ("info_hash_v1", "info_hash_v2", "version", "size", "file_count", "piece_length",
                       "uploaded_at", "completed", "seeders", "leechers")
    filter_horizontal = ("languages",)
