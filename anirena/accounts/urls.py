from django.urls import path

from anirena.accounts.views import auth, profile

app_name = "accounts"

urlpatterns = [
    path("signup", auth.signup, name="signup"),
    path("login", auth.login_view, name="login"),
    path("login/verify", auth.login_verify, name="login_verify"),
    path("login/cancel-deletion", auth.cancel_deletion_view, name="cancel_deletion"),
    path("logout", auth.logout_view, name="logout"),
    path("activate", auth.resend_activation, name="resend_activation"),
    path("activate/<str:token>", auth.activate_account, name="activate"),
    path("password/forgot", auth.password_forgot, name="password_forgot"),
    path("password/reset/<str:uidb64>/<str:token>", auth.password_reset, name="password_reset"),
    path("", profile.profile, name="profile"),
    path("preferences", profile.save_preferences, name="preferences"),
    path("password", profile.password_change, name="password_change"),
    path("password/confirm", profile.password_change_confirm, name="password_change_confirm"),
    path("2fa/setup", profile.twofactor_setup, name="twofactor_setup"),
    path("2fa/enable", profile.twofactor_enable, name="twofactor_enable"),
    path("2fa/disable", profile.twofactor_disable, name="twofactor_disable"),
    path("2fa/recovery-codes", profile.recovery_codes_regenerate, name="recovery_codes"),
    path("sessions/<int:session_id>/revoke", profile.session_revoke, name="session_revoke"),
    path("sessions/revoke-others", profile.sessions_revoke_others, name="sessions_revoke_others"),
    path("api-key", profile.api_key_create, name="api_key_create"),
    path("api-key/revoke", profile.api_key_revoke, name="api_key_revoke"),
    path("delete", profile.delete_account, name="delete"),
]
