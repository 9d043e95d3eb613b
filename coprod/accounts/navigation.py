"""The navigation's places, worked out once per session and again only when access changes.

Working out which landing pages a person has costs a query per place on every
page. The session keeps the answer, worked out as the person logs in and
stamped with their ``User.access_version``; the user row is read on every
request anyway, so a page whose stamp still matches costs no query at all.

The version moves on whenever a staff role, a participant profile's login or a
funder grant is saved or deleted, whichever way it happens (a service, the
admin site's inlines, a cascade, a test factory): each app watches its own
model with ``watch_access`` in its AppConfig.ready(). This is a cache being
kept honest, not a business rule, so model signals are the right hook here.
A write that bypasses them (``QuerySet.update``, ``bulk_create`` for a login
that already has sessions) calls ``access_changed`` itself.
"""

from django.db.models import F, Model
from django.db.models.signals import post_delete, post_save

from coprod.accounts.models import User
from coprod.accounts.selectors import PLACES, Place, places_for

SESSION_KEY = "coprod_places"


def access_changed(*, user_id: int | None) -> None:
    """Make every session of this person work out its navigation again on its next page."""
    if user_id is not None:
        User.objects.filter(pk=user_id).update(access_version=F("access_version") + 1)


def _row_changed(sender, instance, created=False, update_fields=None, **kwargs) -> None:
    if not created and update_fields is not None and "user" not in update_fields:
        return  # a save of other fields (a grant's end, a profile's name) moves no access
    access_changed(user_id=getattr(instance, "user_id", None))


def watch_access(model: type[Model]) -> None:
    """Move the person's access version on whenever a row of `model` (with a `user`) changes."""
    uid = f"coprod.accounts.navigation:{model._meta.label_lower}"
    post_save.connect(_row_changed, sender=model, dispatch_uid=uid, weak=False)
    post_delete.connect(_row_changed, sender=model, dispatch_uid=uid, weak=False)


def _remember(session, user) -> list[Place]:
    places = places_for(user)
    session[SESSION_KEY] = {
        "for": [user.pk, user.access_version],
        "places": [place.url_name for place in places],
    }
    return places


def places_for_request(request) -> list[Place]:
    """Return the landing pages of the person making this request, from the session when fresh."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    session = getattr(request, "session", None)
    if session is None:
        return places_for(user)
    kept = session.get(SESSION_KEY)
    if isinstance(kept, dict) and kept.get("for") == [user.pk, user.access_version]:
        names = set(kept.get("places", ()))
        return [place for place in PLACES if place.url_name in names]
    return _remember(session, user)


def remember_places_at_login(sender, request, user, **kwargs) -> None:
    """Work the navigation out as the person logs in, so their first page pays nothing for it."""
    session = getattr(request, "session", None)
    if session is not None:
        # The login may hold a user object read before their access last changed.
        user.refresh_from_db(fields=["access_version"])
        _remember(session, user)
