import uuid

from django.conf import settings
from django.db import models


class Comment(models.Model):
    """A comment on a torrent. Deleting one only sets `deleted_at`, so the thread keeps its shape."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    torrent = models.ForeignKey("torrents.Torrent", on_delete=models.CASCADE, related_name="comments")
    # SET_NULL because accounts are deleted after their grace period; the comment stays in place.
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               related_name="comments")
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    edited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+")
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["torrent", "created_at"], name="comment_torrent_date")]

    def __str__(self) -> str:
        return f"comment {self.pk} on {self.torrent_id}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def author_banned(self) -> bool:
        return self.author is not None and self.author.is_banned

    @property
    def is_hidden(self) -> bool:
        """True when the body is withheld: the comment is deleted or its author is banned."""
        return self.is_deleted or self.author_banned

    @property
    def visible_body(self) -> str:
        return "" if self.is_hidden else self.body
