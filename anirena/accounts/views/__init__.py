from django.utils.translation import ngettext


def wait_message(retry_after: int) -> str:
    """Return "Try again in N minutes/seconds." for a throttled visitor."""
    if retry_after >= 60:
        minutes = -(-retry_after // 60)
        return ngettext("Try again in %(count)d minute.", "Try again in %(count)d minutes.", minutes) % {
            "count": minutes}
    return ngettext("Try again in %(count)d second.", "Try again in %(count)d seconds.", retry_after) % {
        "count": retry_after}
