from coprod.accounts.selectors import places_for


def places(request):
    """Offer the landing pages this person may use to the navigation."""
    user = getattr(request, "user", None)
    if user is None:
        return {"places": []}
    return {"places": places_for(user)}
