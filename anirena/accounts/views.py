from django.contrib import messages
from django.contrib.auth import login, logout
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from anirena.accounts.activation import ActivationError, activate, send_activation_email
from anirena.accounts.forms import LoginForm, ResendActivationForm, SignUpForm
from anirena.accounts.models import User


@require_http_methods(["GET", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect("torrents:home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user = User.objects.create_user(
                username=form.cleaned_data["username"],
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
                is_active=False,
                terms_accepted_at=timezone.now(),
            )
            transaction.on_commit(lambda: send_activation_email(user))
        return render(request, "accounts/signup_done.html", {"email": user.email})
    return render(request, "accounts/signup.html", {"form": form})


def activate_account(request, token: str):
    try:
        user = activate(token)
    except ActivationError as error:
        return render(request, "accounts/activate_failed.html", {"error": str(error)}, status=400)
    messages.success(request, _("Your account %(name)s is active. You can sign in now.") % {"name": user.username})
    return redirect("accounts:login")


@require_http_methods(["GET", "POST"])
def resend_activation(request):
    form = ResendActivationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = User.objects.filter(email__iexact=form.cleaned_data["email"], activated_at__isnull=True).first()
        if user is not None:
            send_activation_email(user)
        # The same answer whether or not the address is registered, so it reveals nothing.
        messages.info(request, _("If an account with that address is waiting for activation, a new link is on its way."))
        return redirect("accounts:login")
    return render(request, "accounts/resend_activation.html", {"form": form})


@require_http_methods(["GET", "POST"])
def login_view(request):
    form = LoginForm(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        login(request, form.user)
        next_url = request.POST.get("next") or request.GET.get("next")
        if next_url and url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
            return redirect(next_url)
        return redirect("torrents:home")
    return render(request, "accounts/login.html", {"form": form, "next": request.GET.get("next", "")})


@require_POST
def logout_view(request):
    logout(request)
    return redirect("torrents:home")
