from django import forms
from django.contrib.auth import password_validation
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from anirena.accounts.models import User

username_validator = RegexValidator(
    r"^[A-Za-z0-9_.-]{3,32}$",
    _("Use 3 to 32 characters: letters, digits, dot, hyphen or underscore."),
)

# Names that would pass for the site or its staff.
RESERVED_USERNAMES = {"admin", "administrator", "anirena", "moderator", "mod", "staff", "support",
                      "system", "root", "api", "deleted", "deleted-user", "deleted_user", "anonymous"}


def _validate_new_password(form, password_field: str, repeat_field: str, user: User) -> None:
    """Add errors to `form` when the two new passwords differ or fail the password validators."""
    password = form.cleaned_data.get(password_field)
    repeat = form.cleaned_data.get(repeat_field)
    if password and repeat and password != repeat:
        form.add_error(repeat_field, _("The two passwords do not match."))
        return
    if password:
        try:
            password_validation.validate_password(password, user)
        except forms.ValidationError as error:
            form.add_error(password_field, error)


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
        if username.lower() in RESERVED_USERNAMES:
            raise forms.ValidationError(_("This username is reserved. Choose another one."))
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
        candidate = User(username=cleaned.get("username", ""), email=cleaned.get("email", ""))
        _validate_new_password(self, "password1", "password2", candidate)
        return cleaned


class LoginForm(forms.Form):
    login = forms.CharField(label=_("Username or email"), max_length=254)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)


class SecondFactorForm(forms.Form):
    code = forms.CharField(
        label=_("Authentication code"), max_length=40,
        help_text=_("The 6-digit code from your authenticator app, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True, "inputmode": "text"}),
    )

    def codes(self) -> dict:
        """Return the code as the keyword the login service expects: totp_code or recovery_code."""
        code = self.cleaned_data["code"].replace(" ", "")
        if code.isdigit():
            return {"totp_code": code}
        return {"recovery_code": code}


class EmailForm(forms.Form):
    email = forms.EmailField(label=_("Email address"), max_length=254)


class SetPasswordForm(forms.Form):
    new_password1 = forms.CharField(label=_("New password"), widget=forms.PasswordInput, strip=False)
    new_password2 = forms.CharField(label=_("New password again"), widget=forms.PasswordInput, strip=False)

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        _validate_new_password(self, "new_password1", "new_password2", self.user)
        return cleaned


class PasswordChangeForm(SetPasswordForm):
    current_password = forms.CharField(label=_("Current password"), widget=forms.PasswordInput, strip=False)

    field_order = ["current_password", "new_password1", "new_password2"]

    def clean(self):
        cleaned = super().clean()
        current = cleaned.get("current_password")
        new = cleaned.get("new_password1")
        if current and new and current == new:
            self.add_error("new_password1", _("The new password must differ from the current one."))
        return cleaned


class PasswordChangeConfirmForm(forms.Form):
    code = forms.CharField(label=_("Code from the email"), max_length=12,
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}))
    totp_code = forms.CharField(label=_("Code from your authenticator app"), max_length=12, required=False,
                                widget=forms.TextInput(attrs={"autocomplete": "one-time-code",
                                                              "inputmode": "numeric"}))

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if user.has_two_factor:
            self.fields["totp_code"].required = True
        else:
            del self.fields["totp_code"]


class TotpCodeForm(forms.Form):
    code = forms.CharField(label=_("Code from your authenticator app"), max_length=12,
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}))


class DeleteAccountForm(forms.Form):
    password = forms.CharField(label=_("Your password"), widget=forms.PasswordInput, strip=False)
    confirm = forms.BooleanField(
        label=_("I understand that my account will be disabled now and deleted after the grace period."),
        error_messages={"required": _("Tick the box to confirm the deletion.")},
    )
