from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.views import View
from django.views.generic import TemplateView

from coprod.accounts.navigation import places_for_request


class HomeView(View):
    """Send each person to their own place: dashboard, member home or reports."""

    def get(self, request):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        places = places_for_request(request)
        if places:
            return redirect(places[0].url_name)
        return render(request, "accounts/no_place.html")


class AccountView(LoginRequiredMixin, TemplateView):
    """Your account: email, password, two-step login (offered to staff)."""

    template_name = "accounts/account.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            offer_two_step=self.request.user.has_perm("accounts.view_dashboard"), **kwargs
        )
