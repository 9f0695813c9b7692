from django import forms
from django.conf import settings
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from anirena.torrents.models import Category, Language, SubCategory
from anirena.torrents.names import sorted_by_display_name


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.display_name


class SubCategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.category.display_name} - {obj.display_name}"


class DisplayNameOrderIterator(ModelChoiceIterator):
    """Choices of a field that has no empty choice, sorted by their names in the active language."""

    def __iter__(self):
        for obj in sorted_by_display_name(self.queryset):
            yield self.choice(obj)


class LanguagesChoiceField(forms.ModelMultipleChoiceField):
    iterator = DisplayNameOrderIterator

    def label_from_instance(self, obj) -> str:
        return obj.display_name


class UploadForm(forms.Form):
    torrent = forms.FileField(label=_("Torrent file"))
    name = forms.CharField(label=_("Name"), required=False, max_length=512,
                           help_text=_("Leave blank to use the name inside the torrent file."))
    category = CategoryChoiceField(label=_("Category"), queryset=Category.objects.all(), to_field_name="slug",
                                   empty_label=_("Choose a category"))
    sub_category = SubCategoryChoiceField(label=_("Sub-category"), queryset=SubCategory.objects.select_related("category"),
                                          required=False, empty_label=_("None"))
    languages = LanguagesChoiceField(label=_("Languages"), queryset=Language.objects.all(), required=False,
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
