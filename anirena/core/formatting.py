"""Formatting shared by pages, feeds and the API."""

_UNITS = ("B", "KB", "MB", "GB", "TB", "PB")


def format_size(size: int) -> str:
    """Format a byte count in powers of 1024 with one decimal: 1503238553 is "1.4 GB".

    Note: the API documents this exact form in its `size_fmt` field; clients may parse it.
    """
    value = float(size)
    for unit in _UNITS:
        if value < 1024 or unit == _UNITS[-1]:
            if unit == "B":
                return f"{int(value)} B"
            return f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def format_utc_minute(moment) -> str | None:
    """Format an aware datetime as ``YYYY-MM-DD HH:MM`` in UTC, the form the API documents."""
    if moment is None:
        return None
    from datetime import timezone

    return moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M")
