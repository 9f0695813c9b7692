"""Match user-written text against the banned content patterns."""

import logging
import re

from anirena.moderation.models import BannedPattern

logger = logging.getLogger(__name__)


def find_banned_pattern(text: str, targets: tuple[str, ...]) -> BannedPattern | None:
    """Return the first enabled pattern of one of `targets` that matches `text`, or None."""
    if not text:
        return None
    for pattern in BannedPattern.objects.filter(enabled=True, target__in=targets):
        if pattern_matches(pattern, text):
            return pattern
    return None


def pattern_matches(pattern: BannedPattern, text: str) -> bool:
    if pattern.kind == BannedPattern.Kind.REGEX:
        try:
            return re.search(pattern.pattern, text, re.IGNORECASE) is not None
        except re.error:
            logger.warning("banned pattern %s is not a valid regular expression; skipped", pattern.pk)
            return False
    return pattern.pattern.casefold() in text.casefold()
