from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from anirena.torrents.models import Category, Language, SubCategory


class UploadForm(forms.Form):
    torrent = forms.FileField(label=_("Torrent file"))
    name = forms.CharField(label=_("Name"), required=False, max_length=512,
                           help_text=_("Leave blank to use the name inside the torrent file."))
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.all(), to_field_name="slug",
                                      empty_label=_("Choose a category"))
    sub_category = forms.ModelChoiceField(label=_("Sub-category"), queryset=SubCategory.objects.select_related("category"),
                                          required=False, empty_label=_("None"))
    languages = forms.ModelMultipleChoiceField(label=_("Languages"), queryset=Language.objects.all(), required=False,
                                               widget=forms.SelectMultiple(attrs={"size": 8}))
    group = forms.TypedChoiceField(label=_("Group"), required=False, coerce=int, empty_value=None)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 10}),
                                  max_length=settings.DESCRIPTION_MAX_LENGTH,
                                  help_text=_("Markdown. At most 65535 characters."))
    is_private = forms.BooleanField(label=_("Private"), required=False,
                                    help_text=_("Sets the private flag in the torrent, disabling DHT and PEX."))
    announce = forms.CharField(label=_("Announce URL"), required=False, max_length=1000,
                               help_text=_("Override or add the primary tracker announce URL."))
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000,
                              help_text=_("Override the comment embedded in the torrent file."))
    comments_enabled = forms.BooleanField(label=_("Allow comments"), required=False, initial=True)
    anime = forms.UUIDField(label=_("Anime"), required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        groups = user.release_groups.filter(enabled=True).order_by("name") if user is not None else []
        self.fields["group"].choices = [("", _("None"))] + [(group.pk, group.name) for group in groups]

    def clean_torrent(self):
        upload = self.cleaned_data["torrent"]
        if upload.size > settings.MAX_TORRENT_SIZE:
            raise forms.ValidationError(
                _("The file is %(size)d bytes; the limit is %(limit)d bytes.")
                % {"size": upload.size, "limit": settings.MAX_TORRENT_SIZE}
            )
        return upload

    def clean(self):
        cleaned = super().clean()
        category = cleaned.get("category")
        sub_category = cleaned.get("sub_category")
        if category and sub_category and sub_category.category_id != category.pk:
            self.add_error("sub_category", _("This sub-category does not belong to the chosen category."))
        return cleaned
