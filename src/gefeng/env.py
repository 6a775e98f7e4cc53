"""Typed readers of GEFENG_* environment variables.

A bad value stops start-up with a message that names the variable, what was given and what is
expected, so an administrator on an intranet server can fix it without reading code.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on", "是"}
_FALSE = {"0", "false", "no", "off", "否", ""}


class EnvError(ImproperlyConfigured):
    """A GEFENG_* variable holds a value that cannot be used."""


def _raw(name: str, environ: Mapping[str, str] | None = None) -> str | None:
    return (environ if environ is not None else os.environ).get(name)


def env_str(name: str, default: str = "", environ: Mapping[str, str] | None = None) -> str:
    value = _raw(name, environ)
    return default if value is None else value.strip()


def env_bool(name: str, default: bool, environ: Mapping[str, str] | None = None) -> bool:
    value = _raw(name, environ)
    if value is None:
        return default
    v = value.strip().lower()
    if v in _TRUE:
        return True
    if v in _FALSE:
        return False
    raise EnvError(f"环境变量 {name}={value!r} 无效：应为 true 或 false。 ({name} must be true or false)")


def env_int(
    name: str,
    default: int,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    value = _raw(name, environ)
    if value is None or not value.strip():
        return default
    try:
        number = int(value.strip())
    except ValueError:
        raise EnvError(f"环境变量 {name}={value!r} 无效：应为整数。 ({name} must be an integer)") from None
    if minimum is not None and number < minimum:
        raise EnvError(f"环境变量 {name}={number} 无效：不能小于 {minimum}。 ({name} must be ≥ {minimum})")
    if maximum is not None and number > maximum:
        raise EnvError(f"环境变量 {name}={number} 无效：不能大于 {maximum}。 ({name} must be ≤ {maximum})")
    return number


def env_fraction(name: str, default: str, environ: Mapping[str, str] | None = None) -> str:
    """A decimal between 0 and 1 (a share or a tolerance), kept as text so it converts exactly to Decimal."""
    value = _raw(name, environ)
    if value is None or not value.strip():
        return default
    text = value.strip()
    try:
        number = float(text)
    except ValueError:
        raise EnvError(f"环境变量 {name}={value!r} 无效：应为 0 到 1 之间的小数。 ({name} must be a decimal)") from None
    if not 0 <= number <= 1:
        raise EnvError(f"环境变量 {name}={text} 无效：应在 0 到 1 之间。 ({name} must be between 0 and 1)")
    return text


def env_list(name: str, default: list[str], environ: Mapping[str, str] | None = None) -> list[str]:
    value = _raw(name, environ)
    if value is None:
        return list(default)
    return [part.strip() for part in value.split(",") if part.strip()]


def env_choice(name: str, default: str, choices: tuple[str, ...], environ: Mapping[str, str] | None = None) -> str:
    value = env_str(name, default, environ)
    if value not in choices:
        raise EnvError(
            f"环境变量 {name}={value!r} 无效：应为 {' / '.join(choices)} 之一。 ({name} must be one of {choices})"
        )
    return value
