from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class CommentForm(forms.Form):
    # The length limit is checked by `services.clean_body`, so the page and the API report the same limit.
    body = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = settings.COMMENT_MAX_LENGTH
        self.fields["body"].widget.attrs["maxlength"] = str(limit)
        self.fields["body"].help_text = _("Markdown. At most %(limit)d characters.") % {"limit": limit}
