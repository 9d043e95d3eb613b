from django.contrib.auth.mixins import LoginRequiredMixin
from rules.contrib.views import PermissionRequiredMixin as RulesPermissionRequiredMixin


class PermissionRequiredMixin(LoginRequiredMixin, RulesPermissionRequiredMixin):
    """Check login first, then the rule on the object.

    Someone following an emailed link while logged out is asked to log in
    before anything is looked up; a logged-in person who may not see an
    object gets the same 404 as for one that does not exist.
    """
