"""A small set of modalities stored in one portable text column.

Stored as ",image,text," (sorted, comma-fenced) so that "has image" is a plain
`contains=",image,"` lookup on SQLite and PostgreSQL alike, with no JSON support needed.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models


class Modality(models.TextChoices):
    TEXT = "text", "Text"
    IMAGE = "image", "Image"
    AUDIO = "audio", "Audio"
    VIDEO = "video", "Video"
    FILE = "file", "File"
    CODE = "code", "Code"
    EMBEDDING = "embedding", "Embedding"


def modalities_encode(values) -> str:
    cleaned = sorted({str(v).strip().lower() for v in values if str(v).strip()})
    unknown = [v for v in cleaned if v not in Modality.values]
    if unknown:
        raise ValidationError(f"Unknown modality: {', '.join(unknown)}")
    return f",{','.join(cleaned)}," if cleaned else ""


def modalities_decode(stored: str | None) -> list[str]:
    return [v for v in (stored or "").split(",") if v]


def modality_lookup(value: str) -> str:
    """The fragment to pass to `<field>__contains` to find rows having `value`."""
    return f",{value},"


class ModalitiesField(models.CharField):
    description = "A set of modalities"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 80)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", list)
        super().__init__(*args, **kwargs)

    def from_db_value(self, value, expression, connection):
        return modalities_decode(value)

    def to_python(self, value):
        if isinstance(value, list | tuple | set):
            return sorted(set(value))
        return modalities_decode(value)

    def get_prep_value(self, value):
        if isinstance(value, str):
            # Lookups such as contains=",image," pass fragments through untouched.
            return value
        return modalities_encode(value or [])

    def value_to_string(self, obj):
        return ",".join(self.value_from_object(obj))  # type: ignore[arg-type]

    def validate(self, value, model_instance):
        modalities_encode(value or [])

    def formfield(self, **kwargs):
        return forms.TypedMultipleChoiceField(
            choices=Modality.choices,
            required=not self.blank,
            widget=forms.CheckboxSelectMultiple,
            label=self.verbose_name.capitalize(),
            help_text=self.help_text,
        )
