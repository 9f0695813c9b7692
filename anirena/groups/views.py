from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from anirena.core.htmx import render_page_or_fragment
from anirena.groups import services
from anirena.groups.forms import DirectoryForm, GroupForm, InviteForm
from anirena.groups.models import Group, Invitation
from anirena.moderation.sitemode import require_writable


def directory(request):
    form = DirectoryForm(request.GET or None)
    params = form.cleaned_data if form.is_valid() else {}
    sort = params.get("sort") or "name"
    order = params.get("order") or "asc"
    groups = services.public_groups(params.get("q"), sort, order)
    page = Paginator(groups, settings.GROUPS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"page": page, "groups": page.object_list, "q": params.get("q") or "", "sort": sort, "order": order,
               "columns": _sort_columns(sort, order), "can_create": services.can_create_group(request.user)}
    return render_page_or_fragment(request, "groups/directory.html", "groups/directory_table.html", context)


def _sort_columns(sort: str, order: str) -> list[dict]:
    """Describe the directory's column headers; a click on the current column reverses its order."""
    labels = {"name": _("Name"), "slug": _("Slug"), "members": _("Members"), "torrents": _("Torrents"),
              "created": _("Created")}
    return [
        {"key": key, "label": label, "current": key == sort,
         "next_order": "desc" if key == sort and order == "asc" else "asc"}
        for key, label in labels.items()
    ]


def detail(request, slug):
    group = services.visible_group(request.user, slug)
    if group is None:
        raise Http404(_("No public group has this address."))
    return render_group_page(request, group)


def render_group_page(request, group):
    """Render a group's page; also used for the group's subdomain."""
    page = Paginator(services.group_torrents(group), settings.TORRENTS_PER_PAGE).get_page(request.GET.get("page"))
    role = services.role_of(request.user, group)
    context = {
        "group": group,
        "page": page,
        "torrents": page.object_list,
        "members": services.members_of(group),
        "role": role,
        "can_manage": role in (services.Role.OWNER, services.Role.ADMIN),
    }
    return render(request, "groups/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def create(request):
    if not services.can_create_group(request.user):
        return render(request, "groups/create_forbidden.html", status=403)
    form = GroupForm(request.POST or None, site_host=settings.SITE_HOST)
    if request.method == "POST":
        require_writable(request)
        if form.is_valid():
            try:
                group = services.create_group(request.user, request=request, **form.cleaned_data)
            except services.GroupError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, _("The group %(name)s is created.") % {"name": group.name})
                return redirect("groups:detail", slug=group.slug)
    return render(request, "groups/create.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def manage(request, slug):
    group = get_object_or_404(Group, slug=slug.lower())
    if not services.can_manage(request.user, group):
        raise Http404(_("No group you manage has this address."))
    initial = {"name": group.name, "subdomain_slug": group.subdomain_slug or "", "description": group.description}
    form = GroupForm(request.POST or None, initial=initial, site_host=settings.SITE_HOST, editing=True)
    if request.method == "POST":
        require_writable(request)
        if form.is_valid():
            try:
                services.update_group(request.user, group, request=request, **form.cleaned_data)
            except services.GroupError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, _("The group page is saved."))
                return redirect("groups:manage", slug=group.slug)
    return _render_manage(request, group, form=form, status=400 if form.errors else 200)


def _render_manage(request, group, *, form=None, invite_form=None, status=200):
    context = {
        "group": group,
        "form": form or GroupForm(initial={"name": group.name, "subdomain_slug": group.subdomain_slug or "",
                                           "description": group.description},
                                  site_host=settings.SITE_HOST, editing=True),
        "invite_form": invite_form or InviteForm(),
        "members": services.members_of(group),
        "invitations": group.invitations.select_related("invitee", "invited_by"),
        "role": services.role_of(request.user, group),
    }
    return render(request, "groups/manage.html", context, status=status)


@login_required
@require_POST
def invite(request, slug):
    require_writable(request)
    group = get_object_or_404(Group, slug=slug.lower())
    if not services.can_manage(request.user, group):
        raise Http404(_("No group you manage has this address."))
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            invitation = services.invite(request.user, group, form.cleaned_data["username"],
                                         role=form.cleaned_data["role"], request=request)
        except (services.GroupError, services.GroupPermissionDenied) as error:
            form.add_error("username", error.message)
        else:
            messages.success(request, _("%(name)s is invited. They join once they accept.")
                             % {"name": invitation.invitee.username})
            return redirect("groups:manage", slug=group.slug)
    return _render_manage(request, group, invite_form=form, status=400)


@login_required
@require_POST
def member_remove(request, slug, username):
    require_writable(request)
    group = get_object_or_404(Group, slug=slug.lower())
    member = get_object_or_404(get_user_model(), username__iexact=username)
    try:
        services.remove_member(request.user, group, member, request=request)
    except (services.GroupError, services.GroupPermissionDenied) as error:
        messages.error(request, error.message)
        return redirect("groups:detail", slug=group.slug)
    if member.pk == request.user.pk:
        messages.success(request, _("You left %(name)s.") % {"name": group.name})
        return redirect("groups:directory")
    messages.success(request, _("%(name)s is no longer a member.") % {"name": member.username})
    return redirect("groups:manage", slug=group.slug)


@login_required
@require_POST
def member_role(request, slug, username):
    require_writable(request)
    group = get_object_or_404(Group, slug=slug.lower())
    member = get_object_or_404(get_user_model(), username__iexact=username)
    try:
        services.set_member_role(request.user, group, member, request.POST.get("role", ""), request=request)
    except (services.GroupError, services.GroupPermissionDenied) as error:
        messages.error(request, error.message)
    return redirect("groups:manage", slug=group.slug)


@login_required
def invitations(request):
    return render(request, "groups/invitations.html", {"invitations": services.pending_invitations(request.user)})


@login_required
@require_POST
def invitation_answer(request, invitation_id, answer):
    if answer not in ("accept", "decline", "withdraw"):
        raise Http404(_("Unknown action %(action)s; use accept, decline or withdraw.") % {"action": answer})
    require_writable(request)
    invitation = get_object_or_404(Invitation.objects.select_related("group"), pk=invitation_id)
    try:
        if answer == "accept":
            services.accept_invitation(request.user, invitation, request=request)
            messages.success(request, _("You joined %(name)s.") % {"name": invitation.group.name})
            return redirect("groups:detail", slug=invitation.group.slug)
        services.decline_invitation(request.user, invitation, request=request)
    except services.GroupPermissionDenied as error:
        messages.error(request, error.message)
    if invitation.invitee_id == request.user.pk:
        return redirect("groups:invitations")
    return redirect("groups:manage", slug=invitation.group.slug)
