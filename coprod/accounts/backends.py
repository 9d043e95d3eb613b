"""Authentication backends: who may log in, and who answers Django's model permissions.

Coprod's own permissions are rules (``rules.permissions.ObjectPermissionBackend``).
Django's model and group permissions matter only on the admin site, to the
people who run the installation (``is_staff``). Django's ``ModelBackend``
answers every permission question rules said no to with two queries (the
person's permissions and their groups'), on any page that asks; allauth's
backend is a ``ModelBackend`` too. These two keep logging in as it was and
answer model permissions only for admin-site staff, with no query for anyone
else.
"""

from typing import Any

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth.backends import ModelBackend


def _uses_admin_site(user_obj: Any) -> bool:
    return bool(getattr(user_obj, "is_staff", False))


class AdminSitePermissionBackend(ModelBackend):
    """Django's model backend, with model and group permissions for admin-site staff only."""

    def get_user_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not _uses_admin_site(user_obj):
            return set()
        return super().get_user_permissions(user_obj, obj)

    def get_group_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not _uses_admin_site(user_obj):
            return set()
        return super().get_group_permissions(user_obj, obj)

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not _uses_admin_site(user_obj):
            return set()
        return super().get_all_permissions(user_obj, obj)


class LoginBackend(AuthenticationBackend):
    """allauth's login by email and password; permissions are left to the backends before it."""

    def get_user_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()

    def get_group_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        return False

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        return False
