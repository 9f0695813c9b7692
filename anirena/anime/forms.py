from django import forms
from django.utils.translation import gettext_lazy as _


class LinkAnimeForm(forms.Form):
    """The anime of a torrent: an entry's UUID, or empty to remove the link."""

    anime = forms.UUIDField(label=_("Anime"), required=False)
