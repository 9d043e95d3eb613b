from allauth.account.adapter import DefaultAccountAdapter

# What a person sees when one of the limits in settings.ACCOUNT_RATE_LIMITS stops them.
TOO_MANY_TRIES = (
    "Too many tries for this login. Wait a while (up to a day), then try again. "
    "If you are stuck, ask your coordinator."
)
SLOW_DOWN = "Too many tries from here in a short time. Wait a minute, then try again."


class AccountAdapter(DefaultAccountAdapter):
    """Coprod accounts are made by an organisation, never by open sign-up.

    Coordinators invite people (or act for those who never log in), so the
    sign-up page only explains how to get an account.
    """

    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "too_many_login_attempts": TOO_MANY_TRIES,
        "rate_limited": SLOW_DOWN,
    }

    def is_open_for_signup(self, request):
        return False
