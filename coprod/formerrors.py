"""Putting a service's ValidationError onto the form the person filled in."""

from django.core.exceptions import ValidationError


def add_service_errors(form, error: ValidationError) -> None:
    """Attach each message to its field when the form has it, else to the whole form."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        # The error itself, not only its words: its code tells a stale page apart.
        form.add_error(None, error)
