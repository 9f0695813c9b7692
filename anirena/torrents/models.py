import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse

from anirena.torrents.names import translate_category_name, translate_language_name


class Category(models.Model):
    slug = models.SlugField(max_length=32, unique=True)
    name = models.CharField(max_length=64)
    position = models.PositiveSmallIntegerField(default=0)
    is_adult = models.BooleanField(default=False)

    class Meta:
        ordering = ["position"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        """The name in the active interface language, for HTML pages. The API and feeds use `name`."""
        return translate_category_name(self.name)


class SubCategory(models.Model):
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="sub_categories")
    slug = models.SlugField(max_length=32)
    name = models.CharField(max_length=64)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["category__position", "position"]
        verbose_name_plural = "sub-categories"
        constraints = [models.UniqueConstraint(fields=["category", "slug"], name="subcategory_slug_unique")]

    def __str__(self) -> str:
        return f"{self.category.name} - {self.name}"

    @property
    def display_name(self) -> str:
        """The name in the active interface language, for HTML pages. The API and feeds use `name`."""
        return translate_category_name(self.name)


class Language(models.Model):
    """A BCP 47 content language, with the country whose flag stands for it."""

    code = models.CharField(max_length=16, primary_key=True)
    name = models.CharField(max_length=64)
    country_code = models.CharField(max_length=2, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        """The name in the active interface language, for HTML pages. The API and feeds use `name`."""
        return translate_language_name(self.name)


class Torrent(models.Model):
    """One indexed torrent. The stored .torrent bytes and file list live in TorrentBlob."""

    class Version(models.TextChoices):
        V1 = "v1", "v1"
        V2 = "v2", "v2"
        HYBRID = "hybrid", "hybrid"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    legacy_id = models.PositiveIntegerField(unique=True, null=True, blank=True)
    title = models.CharField(max_length=512)
    info_hash_v1 = models.CharField(max_length=40, unique=True, null=True, blank=True)
    info_hash_v2 = models.CharField(max_length=64, unique=True, null=True, blank=True)
    version = models.CharField(max_length=8, choices=Version.choices)
    size = models.BigIntegerField()
    file_count = models.PositiveIntegerField(default=1)
    piece_length = models.PositiveIntegerField()
    tracker_tiers = models.JSONField(default=list, blank=True)
    description = models.TextField(max_length=settings.DESCRIPTION_MAX_LENGTH, blank=True)
    comment = models.TextField(blank=True)
    created_by = models.CharField(max_length=255, blank=True)
    torrent_created_at = models.DateTimeField(null=True, blank=True)
    is_private = models.BooleanField(default=False)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="torrents")
    sub_category = models.ForeignKey(SubCategory, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    languages = models.ManyToManyField(Language, blank=True, related_name="torrents")
    uploader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="torrents")
    group = models.ForeignKey("release_groups.Group", on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="torrents")
    anime = models.ForeignKey("anime.Anime", on_delete=models.SET_NULL, null=True, blank=True, related_name="torrents")
    completed = models.PositiveIntegerField(default=0)
    # Copied from the tracker's peer store by a periodic job, for sorting and the dead-torrent filter.
    seeders = models.PositiveIntegerField(default=0)
    leechers = models.PositiveIntegerField(default=0)
    ext_seeders = models.PositiveIntegerField(default=0)
    ext_leechers = models.PositiveIntegerField(default=0)
    comments_enabled = models.BooleanField(default=True)
    comments_locked = models.BooleanField(default=False)
    uploaded_at = models.DateTimeField(db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-uploaded_at"]
        indexes = [
            models.Index(fields=["category", "-uploaded_at"], name="torrent_category_date"),
            models.Index(fields=["uploader", "-uploaded_at"], name="torrent_uploader_date"),
            models.Index(fields=["group", "-uploaded_at"], name="torrent_group_date"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("torrents:detail", args=[self.id])

    @property
    def is_adult(self) -> bool:
        return self.category.is_adult


class TorrentBlob(models.Model):
    """The stored .torrent file and its file list, kept apart so listings never load them."""

    torrent = models.OneToOneField(Torrent, on_delete=models.CASCADE, primary_key=True, related_name="blob")
    metainfo = models.BinaryField()
    files = models.JSONField(default=list)  # [[path, size], ...] with padding files left out
