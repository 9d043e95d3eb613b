from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Coprod accounts are made by an organisation, never by open sign-up.

    Coordinators invite people (or act for those who never log in), so the
    sign-up page only explains how to get an account.
    """

    def is_open_for_signup(self, request):
        return False
