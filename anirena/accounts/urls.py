from django.urls import path

from anirena.accounts import views

app_name = "accounts"

urlpatterns = [
    path("signup", views.signup, name="signup"),
    path("login", views.login_view, name="login"),
    path("logout", views.logout_view, name="logout"),
    path("activate", views.resend_activation, name="resend_activation"),
    path("activate/<str:token>", views.activate_account, name="activate"),
]
