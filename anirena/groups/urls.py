from django.urls import path

from anirena.groups import views

app_name = "groups"

urlpatterns = [
    path("groups", views.directory, name="directory"),
    path("groups/new", views.create, name="create"),
    path("groups/invitations", views.invitations, name="invitations"),
    path("groups/invitations/<int:invitation_id>/<str:answer>", views.invitation_answer, name="invitation_answer"),
    path("groups/<slug:slug>", views.detail, name="detail"),
    path("groups/<slug:slug>/manage", views.manage, name="manage"),
    path("groups/<slug:slug>/invite", views.invite, name="invite"),
    path("groups/<slug:slug>/members/<str:username>/remove", views.member_remove, name="member_remove"),
    path("groups/<slug:slug>/members/<str:username>/role", views.member_role, name="member_role"),
]
