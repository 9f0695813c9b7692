from django import forms
from django.utils.translation import gettext_lazy as _

from anirena.moderation.models import Report


class ReportForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=Report.Reason.choices, widget=forms.RadioSelect)
    details = forms.CharField(label=_("Details"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=_("Optional. What is wrong, and where? At most 2000 characters."))
