from coprod.accounts.navigation import places_for_request


def places(request):
    """Offer the landing pages this person may use to the navigation."""
    return {"places": places_for_request(request)}
