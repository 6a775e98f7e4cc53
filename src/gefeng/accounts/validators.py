from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError


def char_classes(password: str) -> int:
    classes = [
        any(c.islower() for c in password),
        any(c.isupper() for c in password),
        any(c.isdigit() for c in password),
        any(not c.isalnum() for c in password),
    ]
    return sum(classes)


class ComplexityValidator:
    """At least GEFENG_PASSWORD_MIN_LENGTH characters from GEFENG_PASSWORD_MIN_CLASSES of the
    four classes (lower case, upper case, digits, symbols) — the usual reading of 等保 2.0
    “口令具有复杂度要求”.

    Rule: password complexity — GB/T 22239-2019（等保 2.0） 8.1.4.1 a); length and character classes are
    the settings GEFENG_PASSWORD_MIN_LENGTH and GEFENG_PASSWORD_MIN_CLASSES (lab practice ≥ 8
    characters, 3 classes).
    """

    def validate(self, password: str, user=None) -> None:
        errors = []
        if len(password) < settings.PASSWORD_MIN_LENGTH:
            errors.append(ValidationError(f"密码至少 {settings.PASSWORD_MIN_LENGTH} 位。", code="password_too_short"))
        if char_classes(password) < settings.PASSWORD_MIN_CLASSES:
            errors.append(
                ValidationError(
                    f"密码须包含大写字母、小写字母、数字、符号中的至少 {settings.PASSWORD_MIN_CLASSES} 类。",
                    code="password_too_simple",
                )
            )
        if errors:
            raise ValidationError(errors)

    def get_help_text(self) -> str:
        return (
            f"至少 {settings.PASSWORD_MIN_LENGTH} 位，包含大写字母、小写字母、数字、符号中的至少 "
            f"{settings.PASSWORD_MIN_CLASSES} 类。"
        )
