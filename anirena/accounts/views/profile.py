"""The profile panel at /account/: one page of collapsible sections.

Every action posts to its own URL. An htmx request gets back the re-rendered section,
a plain form post the whole page with that section open, so the panel works without
JavaScript too. Secrets shown once (a new API key, recovery codes) exist only in the
response that creates them.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST

from anirena.accounts import api_keys, events, passwords, preferences, twofactor
from anirena.accounts import login as login_service
from anirena.accounts.deletion import request_deletion
from anirena.accounts.forms import (DeleteAccountForm, PasswordChangeConfirmForm, PasswordChangeForm,
                                    TotpCodeForm)
from anirena.accounts.models import UserSession
from anirena.accounts.sessions import end_session, end_sessions
from anirena.accounts.views import wait_message
from anirena.core.htmx import render_page_or_fragment
from anirena.core.ratelimit import RateLimited
from anirena.moderation.audit import record

SECTIONS = ("settings", "password", "twofactor", "sessions", "apikey", "delete")
_PENDING_TOTP_SECRET = "account_pending_totp_secret"


def _preference_rows(request) -> list[dict]:
    current = preferences.get_preferences(request)
    return [{"pref": pref, "value": current[pref.name],
             "options": [(str(value).lower() if isinstance(value, bool) else value, label, value == current[pref.name])
                         for value, label in pref.choices]}
            for pref in preferences.preference_fields()]


def _panel_context(request, section: str, **extra) -> dict:
    user = request.user
    context = {
        "open_section": section,
        "preference_rows": _preference_rows(request),
        "password_form": PasswordChangeForm(user),
        "pending_password_change": passwords.pending_password_change(user),
        "confirm_form": PasswordChangeConfirmForm(user),
        "totp_form": TotpCodeForm(),
        "recovery_codes_left": twofactor.remaining_recovery_codes(user) if user.has_two_factor else 0,
        "sessions": UserSession.objects.filter(user=user),
        "current_session_key": request.session.session_key,
        "api_key": api_keys.active_api_key(user),
        "delete_form": DeleteAccountForm(),
        "grace_days": settings.ACCOUNT_DELETION_GRACE_DAYS,
    }
    context.update(extra)
    return context


def _render(request, section: str, status: int = 200, **extra):
    return render_page_or_fragment(request, "accounts/profile.html", f"accounts/panel/{section}.html",
                                   _panel_context(request, section, **extra), status=status)


def _check_current_totp(request, code: str, failure_tag: str) -> bool:
    if twofactor.verify_totp(request.user, code):
        return True
    record(failure_tag, request=request, reason="wrong_totp_code")
    return False


@login_required
@require_GET
def profile(request):
    section = request.GET.get("section", "settings")
    return _render(request, section if section in SECTIONS else "settings")


# --- Settings -------------------------------------------------------------------------------

@login_required
@require_POST
def save_preferences(request):
    """Save the submitted preferences: one field per htmx change event, or the whole form."""
    saved, invalid = [], []
    for pref in preferences.preference_fields():
        if pref.name in request.POST:
            try:
                preferences.save_preference(request.user, pref.name, request.POST[pref.name])
                saved.append(pref.name)
            except ValueError:
                invalid.append(pref.name)
    if request.htmx:
        text = _("Invalid choice.") if invalid else _("Saved.")
        response = HttpResponse(f'<span class="{"error" if invalid else "saved"}">{text}</span>',
                                status=400 if invalid else 200)
        if preferences.RELOAD_AFTER.intersection(saved):
            response["HX-Refresh"] = "true"
    else:
        if invalid:
            messages.error(request, _("Some settings had invalid values and were not saved."))
        else:
            messages.success(request, _("Your settings are saved."))
        response = redirect(reverse("accounts:profile") + "?section=settings")
    if "language" in saved:
        # The cookie keeps the language for the signed-out pages of this browser too.
        language = request.user.preferences.get("language")
        if language:
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax",
                                max_age=settings.LANGUAGE_COOKIE_AGE)
        else:
            response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
    return response


# --- Password change ---------------------------------------------------------------------------

@sensitive_post_parameters("current_password", "new_password1", "new_password2")
@login_required
@require_POST
def password_change(request):
    """First step: check the current password and the new one, then email a code."""
    user = request.user
    if request.POST.get("action") == "cancel":
        passwords.PendingPasswordChange.objects.filter(user=user).delete()
        return _render(request, "password")
    form = PasswordChangeForm(user, request.POST)
    if not form.is_valid():
        return _render(request, "password", status=400, password_form=form)
    # A wrong current password counts as a failed sign-in, so a borrowed session
    # cannot be used to guess the password.
    try:
        login_service.check_password(user.username, form.cleaned_data["current_password"], request=request)
    except RateLimited as error:
        form.add_error(None, _("Too many failed attempts.") + " " + wait_message(error.retry_after))
        return _render(request, "password", status=429, password_form=form)
    except login_service.LoginError:
        form.add_error("current_password", _("The current password is incorrect."))
        return _render(request, "password", status=400, password_form=form)
    try:
        passwords.start_password_change(user, form.cleaned_data["new_password1"], request=request)
    except RateLimited as error:
        form.add_error(None, _("Too many codes were sent to your address.") + " " + wait_message(error.retry_after))
        return _render(request, "password", status=429, password_form=form)
    return _render(request, "password", code_sent=True)


@login_required
@require_POST
def password_change_confirm(request):
    """Second step: the emailed code, and the TOTP code when 2FA is on."""
    user = request.user
    form = PasswordChangeConfirmForm(user, request.POST)
    if not form.is_valid():
        return _render(request, "password", status=400, confirm_form=form)
    if user.has_two_factor and not _check_current_totp(request, form.cleaned_data["totp_code"],
                                                         events.PASSWORD_CHANGE_FAILED):
        form.add_error("totp_code", _("The authenticator code is invalid or was already used."))
        return _render(request, "password", status=400, confirm_form=form)
    try:
        passwords.confirm_password_change(user, form.cleaned_data["code"], request=request)
    except passwords.PasswordChangeError as error:
        if passwords.pending_password_change(user) is None:
            # The change is gone (expired or cancelled), so the section shows the first step again.
            return _render(request, "password", status=400, password_error=error.message)
        form.add_error(error.field, error.message)
        return _render(request, "password", status=400, confirm_form=form)
    return _render(request, "password", password_changed=True)


# --- Two-factor authentication ------------------------------------------------------------------

def _setup_context(request, secret: str) -> dict:
    uri = twofactor.provisioning_uri(request.user, secret)
    return {"setup_secret": secret, "setup_qr": twofactor.qr_code_svg(uri), "setup_uri": uri}


@login_required
@require_POST
def twofactor_setup(request):
    """Show a new secret and its QR code. Nothing changes until a code confirms it."""
    if request.user.has_two_factor:
        return _render(request, "twofactor")
    secret = twofactor.new_totp_secret()
    request.session[_PENDING_TOTP_SECRET] = secret
    return _render(request, "twofactor", **_setup_context(request, secret))


@login_required
@require_POST
def twofactor_enable(request):
    secret = request.session.get(_PENDING_TOTP_SECRET)
    if request.user.has_two_factor or not secret:
        return _render(request, "twofactor")
    form = TotpCodeForm(request.POST)
    codes = twofactor.enable_two_factor(request.user, secret, request.POST.get("code")) if form.is_valid() else None
    if codes is None:
        record(events.TWO_FACTOR_ENABLE_FAILED, request=request, reason="wrong_totp_code")
        form.add_error("code", _("The code does not match. Check the time on your device and enter the current code."))
        return _render(request, "twofactor", status=400, totp_form=form, **_setup_context(request, secret))
    del request.session[_PENDING_TOTP_SECRET]
    record(events.TWO_FACTOR_ENABLE, request=request)
    return _render(request, "twofactor", recovery_codes=codes)


@login_required
@require_POST
def twofactor_disable(request):
    if not request.user.has_two_factor:
        return _render(request, "twofactor")
    form = TotpCodeForm(request.POST)
    if not form.is_valid() or not _check_current_totp(request, form.cleaned_data["code"],
                                                      events.TWO_FACTOR_DISABLE_FAILED):
        form.add_error("code", _("The code is invalid or was already used. Enter the current code from your app."))
        return _render(request, "twofactor", status=400, disable_form=form)
    twofactor.disable_two_factor(request.user)
    record(events.TWO_FACTOR_DISABLE, request=request)
    return _render(request, "twofactor")


@login_required
@require_POST
def recovery_codes_regenerate(request):
    if not request.user.has_two_factor:
        return _render(request, "twofactor")
    form = TotpCodeForm(request.POST)
    if not form.is_valid() or not _check_current_totp(request, form.cleaned_data["code"],
                                                      events.TWO_FACTOR_ENABLE_FAILED):
        form.add_error("code", _("The code is invalid or was already used. Enter the current code from your app."))
        return _render(request, "twofactor", status=400, regenerate_form=form)
    codes = twofactor.replace_recovery_codes(request.user)
    record(events.RECOVERY_CODES_REGENERATE, request=request)
    return _render(request, "twofactor", recovery_codes=codes)


# --- Sessions -------------------------------------------------------------------------------------

@login_required
@require_POST
def session_revoke(request, session_id: int):
    row = get_object_or_404(UserSession, pk=session_id, user=request.user)
    is_current = row.session_key == request.session.session_key
    record(events.SESSION_REVOKE, request=request, session_id=row.pk, current=is_current)
    if is_current:
        logout(request)
        return redirect("accounts:login")
    end_session(row)
    return _render(request, "sessions")


@login_required
@require_POST
def sessions_revoke_others(request):
    ended = end_sessions(request.user, keep_session_key=request.session.session_key)
    record(events.SESSION_REVOKE_OTHERS, request=request, sessions_ended=ended)
    return _render(request, "sessions", sessions_ended=ended)


# --- API key ------------------------------------------------------------------------------------------

@login_required
@require_POST
def api_key_create(request):
    plain_key, _row = api_keys.create_api_key(request.user, request=request)
    response = _render(request, "apikey", new_api_key=plain_key)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def api_key_revoke(request):
    api_keys.revoke_api_key(request.user, request=request)
    return _render(request, "apikey", api_key_revoked=True)


# --- Deletion ------------------------------------------------------------------------------------------

@sensitive_post_parameters("password")
@login_required
@require_POST
def delete_account(request):
    user = request.user
    form = DeleteAccountForm(request.POST)
    if not form.is_valid():
        return _render(request, "delete", status=400, delete_form=form)
    # Checked like a sign-in, so wrong passwords here count against the same throttle.
    try:
        login_service.check_password(user.username, form.cleaned_data["password"], request=request)
    except RateLimited as error:
        form.add_error(None, _("Too many failed attempts.") + " " + wait_message(error.retry_after))
        return _render(request, "delete", status=429, delete_form=form)
    except login_service.LoginError:
        form.add_error("password", _("The password is incorrect."))
        return _render(request, "delete", status=400, delete_form=form)
    request_deletion(user, request=request)
    logout(request)
    messages.info(request, _("Your account is disabled and will be deleted in %(days)d days. "
                             "Sign in before then to cancel the deletion.") % {"days": settings.ACCOUNT_DELETION_GRACE_DAYS})
    if request.htmx:
        response = HttpResponse()
        response["HX-Redirect"] = reverse("torrents:home")
        return response
    return redirect("torrents:home")
