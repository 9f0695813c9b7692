import uuid

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

TITLE_MAX_LENGTH = 1000
URL_MAX_LENGTH = 1000
# Normalised keys are indexed, and a PostgreSQL B-tree entry must stay under about 2700
# bytes, so keys are cut to this many characters (up to 4 bytes each in UTF-8).
KEY_MAX_LENGTH = 255


class Anime(models.Model):
    """One anime entry, in the shape of the anime offline database.

    The UUID is this site's own id and survives re-imports: the importer finds an
    existing entry by its `sources` URLs.
    """

    class Type(models.TextChoices):
        TV = "TV", "TV"
        MOVIE = "MOVIE", _("Movie")
        OVA = "OVA", "OVA"
        ONA = "ONA", "ONA"
        SPECIAL = "SPECIAL", _("Special")
        UNKNOWN = "UNKNOWN", _("Unknown")

    class Status(models.TextChoices):
        FINISHED = "FINISHED", _("Finished")
        ONGOING = "ONGOING", _("Ongoing")
        UPCOMING = "UPCOMING", _("Upcoming")
        UNKNOWN = "UNKNOWN", _("Unknown")

    class Season(models.TextChoices):
        SPRING = "SPRING", _("Spring")
        SUMMER = "SUMMER", _("Summer")
        FALL = "FALL", _("Fall")
        WINTER = "WINTER", _("Winter")
        UNDEFINED = "UNDEFINED", _("Undefined")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    anime_type = models.CharField(max_length=8, choices=Type.choices, default=Type.UNKNOWN)
    episodes = models.PositiveIntegerField(default=0, help_text=_("0 when unknown."))
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.UNKNOWN)
    season = models.CharField(max_length=9, choices=Season.choices, default=Season.UNDEFINED)
    season_year = models.PositiveSmallIntegerField(null=True, blank=True)
    picture = models.URLField(max_length=URL_MAX_LENGTH, blank=True)
    thumbnail = models.URLField(max_length=URL_MAX_LENGTH, blank=True)
    duration_secs = models.PositiveIntegerField(null=True, blank=True, help_text=_("Per episode, in seconds."))
    synonyms = models.JSONField(default=list, blank=True)
    sources = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "anime"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("anime:detail", args=[self.id])


class AnimeSource(models.Model):
    """A provider page (MyAnimeList, AniDB, ...) merged into an entry; the stable key for re-imports."""

    url = models.CharField(max_length=URL_MAX_LENGTH, unique=True)
    anime = models.ForeignKey(Anime, on_delete=models.CASCADE, related_name="source_links")

    def __str__(self) -> str:
        return self.url


class AnimeTitle(models.Model):
    """The main title or a synonym of an entry, with the normalised forms that search and matching use.

    See `anirena.anime.names` for how `search_text`, `compact_key` and `stripped_key` are made.
    """

    anime = models.ForeignKey(Anime, on_delete=models.CASCADE, related_name="titles")
    text = models.CharField(max_length=TITLE_MAX_LENGTH)
    is_main = models.BooleanField(default=False)
    search_text = models.CharField(max_length=KEY_MAX_LENGTH, db_index=True)
    compact_key = models.CharField(max_length=KEY_MAX_LENGTH, db_index=True)
    stripped_key = models.CharField(max_length=KEY_MAX_LENGTH, db_index=True)

    def __str__(self) -> str:
        return self.text
