from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path


@login_required
def floor(request):
    """A small page for the logged-in person: reads their session and their user row."""
    return render(request, "floor.html", {"visits": request.session.get("floor_visits", 0)})


urlpatterns = [path("", floor, name="floor")]
