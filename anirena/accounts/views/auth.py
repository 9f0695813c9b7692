"""Sign-up, activation, the steps of signing in, signing out and password recovery."""

from django.contrib import messages
from django.contrib.auth import login, logout
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from anirena.accounts import events, steps, throttles
from anirena.accounts import login as login_service
from anirena.accounts.activation import ActivationError, activate, send_activation_email
from anirena.accounts.deletion import cancel_deletion, deletion_date
from anirena.accounts.forms import EmailForm, LoginForm, SecondFactorForm, SetPasswordForm, SignUpForm
from anirena.accounts.ipblock import is_ip_blocked
from anirena.accounts.models import User
from anirena.accounts.passwords import request_password_reset, reset_password, user_for_reset
from anirena.accounts.views import wait_message
from anirena.core.ratelimit import RateLimited
from anirena.moderation.audit import client_ip, record
from anirena.moderation.sitemode import require_writable

AUTH_BACKEND = "django.contrib.auth.backends.ModelBackend"
# The reset token moves from the URL into the session, so it does not linger in the
# browser history or leak through the Referer header of the password form.
RESET_TOKEN_IN_SESSION = "set-password"
_RESET_SESSION_KEY = "account_password_reset_token"


def _safe_next(request, url: str | None) -> str:
    if url and url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure()):
        return url
    return ""


# --- Sign-up and activation -----------------------------------------------------------

@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect("torrents:home")
    require_writable(request)
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and is_ip_blocked(client_ip(request)):
        record(events.SIGNUP_BLOCKED, request=request)
        form.add_error(None, _("Sign-up is not possible from your network. "
                               "Contact the site staff if you think this is a mistake."))
        return render(request, "accounts/signup.html", {"form": form}, status=403)
    if request.method == "POST" and form.is_valid():
        try:
            throttles.mail_requests_per_ip().enforce(client_ip(request) or "-")
        except RateLimited as error:
            form.add_error(None, _("Too many sign-ups from your network.") + " " + wait_message(error.retry_after))
            return render(request, "accounts/signup.html", {"form": form}, status=429)
        with transaction.atomic():
            user = User.objects.create_user(
                username=form.cleaned_data["username"],
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
                is_active=False,
                terms_accepted_at=timezone.now(),
            )
            record(events.SIGNUP, request=request, actor=user)
        send_activation_email(user)
        return render(request, "accounts/signup_done.html", {"email": user.email})
    return render(request, "accounts/signup.html", {"form": form}, status=400 if form.errors else 200)


def activate_account(request, token: str):
    try:
        user, newly_activated = activate(token)
    except ActivationError as error:
        return render(request, "accounts/activate_failed.html", {"error": str(error)}, status=400)
    if newly_activated:
        record(events.ACTIVATE, request=request, actor=user)
    messages.success(request, _("Your account %(name)s is active. You can sign in now.") % {"name": user.username})
    return redirect("accounts:login")


@require_http_methods(["GET", "POST"])
def resend_activation(request):
    form = EmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            throttles.mail_requests_per_ip().enforce(client_ip(request) or "-")
        except RateLimited as error:
            form.add_error(None, _("Too many requests from your network.") + " " + wait_message(error.retry_after))
            return render(request, "accounts/resend_activation.html", {"form": form}, status=429)
        user = User.objects.filter(email__iexact=form.cleaned_data["email"], activated_at__isnull=True).first()
        # The per-address limit stops mail silently: an error would reveal the address exists.
        if user is not None and throttles.mail_per_address().hit(user.email.lower()).allowed:
            send_activation_email(user)
        messages.info(request, _("If an account with that address is waiting for activation, a new link is on its way."))
        return redirect("accounts:login")
    return render(request, "accounts/resend_activation.html", {"form": form})


# --- Signing in -------------------------------------------------------------------------

def _finish_login(request, user, next_url: str, method: str):
    """Authenticate the session: the last step of every successful web sign-in."""
    steps.clear_step(request)
    login(request, user, backend=AUTH_BACKEND)
    login_service.record_login(user, request=request, method=method)
    return redirect(next_url or "torrents:home")


def _after_password(request, user, next_url: str):
    # The session stays anonymous until every step is done; each pending step is a signed,
    # expiring token in the session.
    if user.has_two_factor:
        steps.start_step(request, steps.SECOND_FACTOR, user, next_url)
        return redirect("accounts:login_verify")
    return _after_second_factor(request, user, next_url, method="password")


def _after_second_factor(request, user, next_url: str, method: str):
    if user.deletion_requested_at is not None:
        steps.start_step(request, steps.CANCEL_DELETION, user, next_url)
        return redirect("accounts:cancel_deletion")
    return _finish_login(request, user, next_url, method)


@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def login_view(request):
    if request.user.is_authenticated:
        return redirect("torrents:home")
    form = LoginForm(request.POST or None)
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            user = login_service.check_password(form.cleaned_data["login"], form.cleaned_data["password"],
                                                request=request)
        except RateLimited as error:
            form.add_error(None, _("Too many failed sign-in attempts.") + " " + wait_message(error.retry_after))
            status = 429
        except login_service.LoginError as error:
            form.add_error(None, error.message)
            status = 403 if isinstance(error, login_service.IpBlocked) else 200
        else:
            return _after_password(request, user, next_url)
    return render(request, "accounts/login.html", {"form": form, "next": next_url}, status=status)


@require_http_methods(["GET", "POST"])
def login_verify(request):
    """Check the second sign-in factor: a TOTP code or a recovery code."""
    pending = steps.load_step(request, steps.SECOND_FACTOR)
    if pending is None:
        steps.clear_step(request)
        messages.error(request, _("Your sign-in expired. Sign in again."))
        return redirect("accounts:login")
    user, next_url = pending
    form = SecondFactorForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            method = login_service.check_second_factor(user, request=request, **form.codes())
        except RateLimited as error:
            steps.clear_step(request)
            messages.error(request, _("Too many failed sign-in attempts.") + " " + wait_message(error.retry_after))
            return redirect("accounts:login")
        except login_service.LoginError as error:
            form.add_error("code", error.message)
            status = 400
        else:
            return _after_second_factor(request, user, next_url, method)
    return render(request, "accounts/login_verify.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
def cancel_deletion_view(request):
    """Offered after a complete sign-in to an account waiting for deletion."""
    pending = steps.load_step(request, steps.CANCEL_DELETION)
    if pending is None:
        steps.clear_step(request)
        messages.error(request, _("Your sign-in expired. Sign in again."))
        return redirect("accounts:login")
    user, next_url = pending
    if request.method == "POST":
        if request.POST.get("action") == "cancel":
            cancel_deletion(user, request=request)
            messages.success(request, _("The deletion is cancelled. Welcome back."))
            return _finish_login(request, user, next_url, method="password")
        steps.clear_step(request)
        messages.info(request, _("Your account stays scheduled for deletion."))
        return redirect("torrents:home")
    return render(request, "accounts/cancel_deletion.html", {"account": user, "date": deletion_date(user)})


@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        record(events.LOGOUT, request=request)
    logout(request)
    return redirect("torrents:home")


# --- Password recovery ----------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
def password_forgot(request):
    form = EmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            request_password_reset(form.cleaned_data["email"], request=request)
        except RateLimited as error:
            form.add_error(None, _("Too many requests from your network.") + " " + wait_message(error.retry_after))
            return render(request, "accounts/password_forgot.html", {"form": form}, status=429)
        # The same response whether or not the address is registered.
        messages.info(request, _("If an account uses that address, a link to reset the password is on its way."))
        return redirect("accounts:login")
    return render(request, "accounts/password_forgot.html", {"form": form})


@sensitive_post_parameters("new_password1", "new_password2")
@require_http_methods(["GET", "POST"])
def password_reset(request, uidb64: str, token: str):
    if token != RESET_TOKEN_IN_SESSION:
        if user_for_reset(uidb64, token) is None:
            return render(request, "accounts/password_reset_failed.html", status=400)
        request.session[_RESET_SESSION_KEY] = token
        return redirect(reverse("accounts:password_reset", args=[uidb64, RESET_TOKEN_IN_SESSION]))

    user = user_for_reset(uidb64, request.session.get(_RESET_SESSION_KEY, ""))
    if user is None:
        request.session.pop(_RESET_SESSION_KEY, None)
        return render(request, "accounts/password_reset_failed.html", status=400)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        # Setting the password changes the hash the token signs, so the link is now spent.
        reset_password(user, form.cleaned_data["new_password1"], request=request)
        request.session.pop(_RESET_SESSION_KEY, None)
        messages.success(request, _("Your password is changed. Sign in with the new one."))
        return redirect("accounts:login")
    return render(request, "accounts/password_reset.html", {"form": form, "account": user},
                  status=400 if form.errors else 200)
