from __future__ import annotations

from typing import Any

from django import forms


class StyledFormMixin:
    """Give every widget its Bootstrap class; fields with errors are marked invalid when the
    errors are added (during validation or by a service), never by validating early."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()
            if isinstance(widget, forms.DateInput):
                widget.input_type = "date"
                widget.format = "%Y-%m-%d"

    def add_error(self, field, error):
        super().add_error(field, error)
        for name in list(self._errors or {}):
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                if "is-invalid" not in attrs.get("class", ""):
                    attrs["class"] = (attrs.get("class", "") + " is-invalid").strip()


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def add_service_errors(form: forms.BaseForm, exc) -> None:
    """Put a service's ValidationError onto the form (field errors where the field exists)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class ScopedModelChoiceField(forms.ModelChoiceField):
    """A row chosen in a form (often a hidden id filled in by a picker) that the actor must see
    and may act on under `perm`: the same `scope.visible` / `scope.permitted` that guard URLs
    decide the choices, so an id from outside the actor's scope in a POST body is refused like
    any unknown value ("请选择有效的选项"), never looked up unscoped by the view.

    The queryset given is the base; `ScopedFormMixin` narrows it to the actor when the form is
    made. A form made without an actor offers nothing (fail closed)."""

    def __init__(self, queryset: Any, *, perm: str | None = None, **kwargs: Any) -> None:
        self.perm = perm
        self.base_queryset = queryset
        kwargs.setdefault("error_messages", {"invalid_choice": "所选对象不存在，或不在您的数据范围内。"})
        super().__init__(queryset.none(), **kwargs)

    def scope_to(self, actor: Any) -> None:
        from gefeng.core import scope

        qs = scope.visible(actor, self.base_queryset) if actor is not None else self.base_queryset.none()
        if self.perm is not None:
            qs = scope.permitted(actor, qs, self.perm)
        self.queryset = qs


class ScopedFormMixin:
    """Forms with `ScopedModelChoiceField`s take the acting user (`actor=`) and narrow every such
    field to what that user may see and act on."""

    def __init__(self, *args: Any, actor: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        for field in self.fields.values():  # type: ignore[attr-defined]
            if isinstance(field, ScopedModelChoiceField):
                field.scope_to(actor)
