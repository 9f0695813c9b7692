from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from anirena.accounts.models import UserSession
from anirena.accounts.sessions import track_session


@receiver(user_logged_in, dispatch_uid="anirena.accounts.track_session")
def _track_new_session(sender, request, user, **kwargs):
    track_session(request, user)


@receiver(user_logged_out, dispatch_uid="anirena.accounts.forget_session")
def _forget_session(sender, request, user, **kwargs):
    session_key = request.session.session_key if request is not None else None
    if session_key:
        UserSession.objects.filter(session_key=session_key).delete()
