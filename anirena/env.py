"""Typed readers for settings that come from environment variables.

Each reader rejects a malformed value with a message that names the variable,
so a typo stops the process at start-up instead of changing behaviour quietly.
Any variable may instead be given as ``NAME_FILE``: the path of a file whose
contents (stripped) are the value, which suits secrets mounted by a container
runtime.
"""

import os
from pathlib import Path


class ConfigError(ValueError):
    """A setting read from the environment is malformed."""


def _raw(name: str) -> str | None:
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        try:
            return Path(file_path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError(f"{name}_FILE: cannot read {file_path}: {exc.strerror}") from exc
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return None
    return value.strip()


def env_str(name: str, default: str = "") -> str:
    value = _raw(name)
    return default if value is None else value


def env_int(name: str, default: int, *, minimum: int | None = None, maximum: int | None = None) -> int:
    value = _raw(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ConfigError(f"{name}: expected an integer, got {value!r}") from None
    if minimum is not None and number < minimum:
        raise ConfigError(f"{name}: must be at least {minimum}, got {number}")
    if maximum is not None and number > maximum:
        raise ConfigError(f"{name}: must be at most {maximum}, got {number}")
    return number


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ConfigError(f"{name}: expected one of 1/0, true/false, yes/no, on/off; got {value!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    """Read a comma-separated list; surrounding spaces and empty items are dropped."""
    value = _raw(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = env_str(name, default).lower()
    if value not in choices:
        raise ConfigError(f"{name}: expected one of {', '.join(choices)}; got {value!r}")
    return value


_SIZE_UNITS = {"": 1, "b": 1, "k": 1024, "kib": 1024, "m": 1024**2, "mib": 1024**2, "g": 1024**3, "gib": 1024**3}


def env_size(name: str, default: int) -> int:
    """Read a byte size such as ``10485760``, ``10M`` or ``10MiB`` (powers of 1024)."""
    value = _raw(name)
    if value is None:
        return default
    text = value.lower().replace(" ", "")
    digits = text.rstrip("abcdefghijklmnopqrstuvwxyz")
    unit = text[len(digits):]
    if not digits.isdigit() or unit not in _SIZE_UNITS:
        raise ConfigError(f"{name}: expected a size such as 10485760, 10M or 10MiB; got {value!r}")
    return int(digits) * _SIZE_UNITS[unit]
