"""The Django admin site, for the people who run the installation.

Two things hold for every page of it, whichever app registers the model:

- Only staff (``is_staff``) who passed two-step login in this session get in.
  Logging in happens on allauth's login page (rate-limited, with the
  authenticator step); the admin's own password form is never offered.
- Secrets are never shown: every field stored encrypted (members' private
  notes, bank details, benefits, meeting needs) and the few secrets other
  packages keep in plain columns are left out of forms, lists, filters and
  search, and cannot be filtered on through the address bar.
"""

from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any, cast

from allauth.account.authentication import get_authentication_records
from allauth.account.decorators import secure_admin_login
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.contrib import admin
from django.contrib.admin.options import BaseModelAdmin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from encrypted_fields.fields import EncryptedFieldMixin

# Secrets that other packages keep in ordinary columns, so no field class
# gives them away: allauth's authenticator data holds the TOTP key and the
# recovery-code seed.
PLAIN_SECRETS = {"mfa.authenticator": frozenset({"data"})}

# The authenticators that make a second step (recovery codes only back them up).
SECOND_STEPS = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]

LOOKUP_PREFIXES = "^=@"


def secret_field_names(model: type[Model]) -> frozenset[str]:
    """Name the fields of `model` the admin must never show or search."""
    encrypted = {
        field.name for field in model._meta.get_fields() if isinstance(field, EncryptedFieldMixin)
    }
    return frozenset(encrypted | PLAIN_SECRETS.get(model._meta.label_lower, frozenset()))


def reaches_secret(model: type[Model], path: str) -> bool:
    """Say whether a field path such as ``participant__access_needs`` ends on a secret.

    Follows relations part by part; a part that is not a field (an admin
    method, a lookup such as ``isnull``) ends the walk.
    """
    current = model
    for part in path.lstrip(LOOKUP_PREFIXES).split("__"):
        if part in secret_field_names(current):
            return True
        try:
            field = current._meta.get_field(part)
        except FieldDoesNotExist:
            return False
        if field.related_model is None:
            return False
        current = field.related_model
    return False


def _is_shown(model: type[Model], item: Any) -> bool:
    if isinstance(item, str):
        return not reaches_secret(model, item)
    if isinstance(item, (list, tuple)) and item and isinstance(item[0], str):
        # list_filter's (field, FilterClass) pairs
        return not reaches_secret(model, item[0])
    return True


def _without_secrets(model: type[Model], items: Iterable[Any]) -> list[Any]:
    kept = []
    for item in items:
        if isinstance(item, (list, tuple)) and all(isinstance(name, str) for name in item):
            # one line of a fieldset that holds several fields
            line = [name for name in item if not reaches_secret(model, name)]
            if line:
                kept.append(type(item)(line))
        elif _is_shown(model, item):
            kept.append(item)
    return kept


class HidesSecrets:
    """Leave the model's secrets out of every form, list, filter and search.

    Mixed into every ModelAdmin and inline the Coprod admin site registers,
    so an app's admin cannot show a secret by forgetting to exclude it.
    """

    model: type[Model]

    def _secrets(self) -> frozenset[str]:
        return secret_field_names(self.model)

    def get_exclude(self, request: HttpRequest, obj: Model | None = None) -> Any:
        excluded = super().get_exclude(request, obj)  # type: ignore[misc]
        if not self._secrets():
            return excluded
        if excluded is None:
            # Django would otherwise fall back on the form's own Meta.exclude.
            excluded = getattr(getattr(self.form, "_meta", None), "exclude", None) or ()  # type: ignore[attr-defined]
        return [*excluded, *sorted(self._secrets() - set(excluded))]

    def get_fields(self, request: HttpRequest, obj: Model | None = None) -> Sequence[Any]:
        return _without_secrets(self.model, super().get_fields(request, obj))  # type: ignore[misc]

    def get_fieldsets(self, request: HttpRequest, obj: Model | None = None) -> list[Any]:
        fieldsets = []
        for name, options in super().get_fieldsets(request, obj):  # type: ignore[misc]
            fields = _without_secrets(self.model, options.get("fields", ()))
            fieldsets.append((name, {**options, "fields": fields}))
        return fieldsets

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> list[Any]:
        return _without_secrets(self.model, super().get_readonly_fields(request, obj))  # type: ignore[misc]

    def get_list_display(self, request: HttpRequest) -> list[Any]:
        return _without_secrets(self.model, super().get_list_display(request))  # type: ignore[misc]

    def get_list_display_links(self, request: HttpRequest, list_display: Sequence[Any]) -> Any:
        links = super().get_list_display_links(request, list_display)  # type: ignore[misc]
        return links if links is None else _without_secrets(self.model, links)

    def get_list_filter(self, request: HttpRequest) -> list[Any]:
        return _without_secrets(self.model, super().get_list_filter(request))  # type: ignore[misc]

    def get_search_fields(self, request: HttpRequest) -> list[Any]:
        return _without_secrets(self.model, super().get_search_fields(request))  # type: ignore[misc]

    def get_inlines(self, request: HttpRequest, obj: Model | None) -> list[type]:
        return [hiding_secrets(inline) for inline in super().get_inlines(request, obj)]  # type: ignore[misc]

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest) -> bool:
        # Even "is it empty?" about a private note says something about a person.
        if reaches_secret(self.model, lookup):
            return False
        return super().lookup_allowed(lookup, value, request)  # type: ignore[misc]


@cache
def hiding_secrets(admin_class: type[BaseModelAdmin]) -> type[BaseModelAdmin]:
    """Return `admin_class` with HidesSecrets mixed in first."""
    if issubclass(admin_class, HidesSecrets):
        return admin_class
    return type(
        admin_class.__name__,
        (HidesSecrets, admin_class),
        {
            "__module__": admin_class.__module__,
            "__qualname__": admin_class.__qualname__,
            "__doc__": admin_class.__doc__,
        },
    )


def passed_two_step(request: HttpRequest) -> bool:
    """Say whether this session's person has an authenticator and used it in this session.

    allauth records each step of a login (and of a later re-check) in the
    session, tied to the user; an "mfa" record means an authenticator code
    was given. Setting up an authenticator does not count: whoever has only
    the password could do that.
    """
    user = request.user
    if not user.is_authenticated or not is_mfa_enabled(user, SECOND_STEPS):
        return False
    return any(
        record.get("method") == "mfa" for record in get_authentication_records(request, user)
    )


class ReadOnlyAdmin(admin.ModelAdmin):
    """An admin for append-only records: they are read there, never added, changed or deleted."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CoprodAdminSite(admin.AdminSite):
    """Django's admin behind allauth's login, two-step login and the secrets filter."""

    site_header = "Coprod administration"
    site_title = "Coprod admin"

    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and passed_two_step(request)

    def register(self, model_or_iterable: Any, admin_class: Any = None, **options: Any) -> None:
        hiding = cast(type[admin.ModelAdmin], hiding_secrets(admin_class or admin.ModelAdmin))
        super().register(model_or_iterable, hiding, **options)

    @method_decorator(never_cache)
    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        """Send people to allauth's login and back; never offer the admin's own form.

        allauth's decorator redirects a logged-out person to its login page
        (rate-limited, with the authenticator step) and refuses anyone who is
        not active staff.
        """
        return secure_admin_login(self._after_login)(request)

    def _after_login(self, request: HttpRequest) -> HttpResponse:
        if not passed_two_step(request):
            return render(
                request,
                "admin/two_step_required.html",
                {
                    "has_authenticator": is_mfa_enabled(request.user, SECOND_STEPS),
                    "admin_index": reverse("admin:index", current_app=self.name),
                },
                status=403,
            )
        next_url = request.GET.get(REDIRECT_FIELD_NAME, "")
        if not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            next_url = reverse("admin:index", current_app=self.name)
        return HttpResponseRedirect(next_url)

    def password_change(self, request: HttpRequest, extra_context: dict | None = None) -> Any:
        # allauth's page asks for the current password, rate-limits and emails the owner.
        return HttpResponseRedirect(reverse("account_change_password"))
