from django import forms
from django.utils.translation import gettext_lazy as _

from anirena.groups.models import Membership

DESCRIPTION_MAX_LENGTH = 20000


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    slug = forms.CharField(label=_("Slug"), max_length=64, required=False,
                           help_text=_("The group's address, /groups/<slug>. Leave blank to make one from the name. "
                                       "It cannot be changed later."))
    subdomain_slug = forms.CharField(label=_("Subdomain"), max_length=63, required=False,
                                     help_text=_("Optional: the group's page also opens at <subdomain>.%(host)s."))
    description = forms.CharField(label=_("Description"), required=False, max_length=DESCRIPTION_MAX_LENGTH,
                                  widget=forms.Textarea(attrs={"rows": 8}),
                                  help_text=_("Markdown. At most 20000 characters."))

    def __init__(self, *args, site_host: str = "", editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subdomain_slug"].help_text = self.fields["subdomain_slug"].help_text % {"host": site_host}
        if editing:
            del self.fields["slug"]


class InviteForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=[(Membership.Role.MEMBER, _("Member")),
                                                       (Membership.Role.ADMIN, _("Admin"))],
                             initial=Membership.Role.MEMBER)


class DirectoryForm(forms.Form):
    q = forms.CharField(required=False, max_length=100)
    sort = forms.ChoiceField(required=False, choices=[(key, key) for key in
                                                      ("name", "slug", "members", "torrents", "created")])
    order = forms.ChoiceField(required=False, choices=[("asc", "asc"), ("desc", "desc")])
