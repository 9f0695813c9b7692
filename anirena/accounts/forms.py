from django import forms
from django.contrib.auth import authenticate, password_validation
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from anirena.accounts.models import User

username_validator = RegexValidator(
    r"^[A-Za-z0-9_.-]{3,32}$",
    _("Use 3 to 32 characters: letters, digits, dot, hyphen or underscore."),
)


class SignUpForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=32, validators=[username_validator])
    email = forms.EmailField(label=_("Email address"), max_length=254)
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label=_("Password again"), widget=forms.PasswordInput, strip=False)
    accept_terms = forms.BooleanField(
        label=_("I have read and accept the site terms"),
        error_messages={"required": _("You must accept the site terms to create an account.")},
    )

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This username is taken. Choose another one."))
        return username

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("An account with this email address already exists."))
        return email

    def clean(self):
        cleaned = super().clean()
        password1 = cleaned.get("password1")
        password2 = cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords do not match."))
        if password1 and not self.errors.get("password2"):
            candidate = User(username=cleaned.get("username", ""), email=cleaned.get("email", ""))
            try:
                password_validation.validate_password(password1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class LoginForm(forms.Form):
    login = forms.CharField(label=_("Username or email"), max_length=254)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)

    def __init__(self, request=None, *args, **kwargs):
        self.request = request
        self.user = None
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        login = cleaned.get("login", "").strip()
        password = cleaned.get("password")
        if not login or not password:
            return cleaned
        username = login
        if "@" in login:
            match = User.objects.filter(email__iexact=login).only("username").first()
            username = match.username if match else login
        user = authenticate(self.request, username=username, password=password)
        if user is None:
            raise forms.ValidationError(_("The username or password is incorrect."), code="invalid_login")
        if not user.is_active:
            raise forms.ValidationError(
                _("This account is not activated yet. Follow the link in the activation email, "
                  "or use “Activate your account” below to get a new one."),
                code="inactive",
            )
        if user.is_banned:
            raise forms.ValidationError(
                _("This account is banned: %(reason)s") % {"reason": user.ban_reason or _("no reason given")},
                code="banned",
            )
        self.user = user
        return cleaned


class ResendActivationForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
