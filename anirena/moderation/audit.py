"""Record audit events. Payloads carry ids and outcomes, never secrets."""

from anirena.moderation.models import AuditEvent


def client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def record(tag: str, *, request=None, actor=None, **payload) -> AuditEvent:
    if actor is None and request is not None and getattr(request, "user", None) is not None:
        actor = request.user if request.user.is_authenticated else None
    user_agent = request.META.get("HTTP_USER_AGENT", "")[:300] if request is not None else ""
    return AuditEvent.objects.create(
        tag=tag,
        actor=actor,
        actor_name=actor.username if actor is not None else "",
        ip_address=client_ip(request),
        user_agent=user_agent,
        payload=payload,
    )
