from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    """Django's admin app, with Coprod's admin site as `admin.site`."""

    default_site = "coprod.adminsite.CoprodAdminSite"
