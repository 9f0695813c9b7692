"""Serve a release group's page at the root of its subdomain, such as https://mygroup.example.org/."""

from django.conf import settings
from django.http import Http404
from django.utils.translation import gettext as _

from anirena.groups.models import Group
from anirena.groups.services import with_counts

# Subdomains that are the site itself, never a group.
SITE_SUBDOMAINS = frozenset({"www"})


def group_subdomain(host: str) -> str | None:
    """Return the subdomain label of `host` under SITE_HOST (port ignored), or None."""
    hostname = host.rsplit(":", 1)[0].lower() if not host.endswith("]") else host.lower()
    suffix = f".{settings.SITE_HOST.lower()}"
    if not hostname.endswith(suffix):
        return None
    label = hostname[: -len(suffix)]
    if not label or "." in label or label in SITE_SUBDOMAINS:
        return None
    return label


class GroupSubdomainMiddleware:
    """Serve `/` on a group's subdomain with the group's page; every other path works as on the main host."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/":
            label = group_subdomain(request.get_host())
            if label is not None:
                return self._group_page(request, label)
        return self.get_response(request)

    def _group_page(self, request, label: str):
        from anirena.groups.views import render_group_page

        group = with_counts(Group.objects.select_related("owner")).filter(
            subdomain_slug=label, enabled=True, locked=False
        ).first()
        if group is None:
            raise Http404(_("No public group has this subdomain."))
        return render_group_page(request, group)
