from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.utils import translation

from anirena.accounts.models import UserSession
from anirena.accounts.preferences import effective_preferences
from anirena.accounts.sessions import touch_session


class AccountMiddleware:
    """Check the signed-in session on every request and apply the visitor's preferences.

    Goes after AuthenticationMiddleware. A session whose UserSession row is gone (revoked,
    or ended by a ban or a password change) or whose account is banned is signed out
    before the view runs, so ending a session takes effect on its next request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            self._check_session(request, user)
        request.preferences = effective_preferences(request.user)
        language = request.preferences["language"]
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)

    def _check_session(self, request, user) -> None:
        row = UserSession.objects.filter(session_key=request.session.session_key, user=user).first()
        if row is None or user.is_banned:
            logout(request)
            request.user = AnonymousUser()
            return
        touch_session(request, row)
