"""What a message is about, in words a coordinator knows, for the dashboard's groups.

The outbox knows no domain: a row points at "something" (a meeting, a change
to it, a promise). Each app says how to name its own things, a batch at a
time, so the dashboard names any number of groups in one query per kind of
thing:

    from coprod.notifications.topics import Topic, register
    register("projects.Meeting", lambda ids: {pk: Topic(...) for ...})
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.apps import apps


@dataclass(frozen=True)
class Topic:
    title: str
    # A short second line: a date, or what changed.
    detail: str = ""
    url: str = ""


# "app_label.ModelName" -> (ids) -> {id: Topic}; filled by each app's ready().
DESCRIBERS: dict[str, Callable[[list[int]], dict[int, Topic]]] = {}


def register(model_label: str, describe: Callable[[list[int]], dict[int, Topic]]) -> None:
    """Say how to name a batch of things of one model (by "app_label.ModelName")."""
    DESCRIBERS[model_label] = describe


def topics_for(keys: Iterable[tuple[str, str, int]]) -> dict[tuple[str, str, int], Topic]:
    """Name each (app label, model name, id); one query per model that has a describer.

    A thing with no describer, or no longer there, is named by its kind of
    thing only ("Claim"), without reading it: the page never runs one query per row.
    """
    wanted: dict[tuple[str, str], list[int]] = defaultdict(list)
    for app_label, model_name, pk in keys:
        wanted[(app_label, model_name)].append(pk)
    named = {}
    for (app_label, model_name), ids in wanted.items():
        model = apps.get_model(app_label, model_name)
        found = {}
        describe = DESCRIBERS.get(model._meta.label)
        if describe is not None:
            found = describe(ids)
        plain = Topic(str(model._meta.verbose_name).capitalize())
        for pk in ids:
            named[(app_label, model_name, pk)] = found.get(pk, plain)
    return named
