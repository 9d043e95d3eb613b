"""Links for the rows of a long list: one `reverse()` per list, not one per row.

A staff page that lists a hundred people links each of them, and `{% url %}`
resolves the pattern again for every row. `RowUrls` reverses a view name
once, with a stand-in number for each argument, and then only writes each
row's ids into the gaps. The URL is the one `reverse()` gives: anything it
cannot fill in that way (an argument that is not a whole number, a pattern
that does not show the number as it is) goes to `reverse()` as before.

In a template (the library is `row_urls`, named in the settings):

    {% load row_urls %}
    {% for person in people %}<a href="{% row_url 'participants:person' person.pk %}">…{% endfor %}

It takes the same arguments as `{% url %}` (positional ones only, no `as`).
"""

from typing import Any

from django import template
from django.template.context import Context
from django.urls import reverse

register = template.Library()

# The stand-ins: long enough that no real path holds one by chance, and
# different per argument so each gap is found in its place.
_STAND_IN = 7_301_946_825_163_040


class RowUrls:
    """`reverse(viewname, args=...)` for many rows, each view name reversed once."""

    def __init__(self, current_app: str | None = None) -> None:
        self.current_app = current_app
        self._pieces: dict[tuple[str, int], list[str] | None] = {}

    def __call__(self, viewname: str, *args: Any) -> str:
        if not args or not all(type(arg) is int and arg >= 0 for arg in args):
            return self._reverse(viewname, args)
        key = (viewname, len(args))
        if key not in self._pieces:
            self._pieces[key] = self._split(viewname, len(args))
        pieces = self._pieces[key]
        if pieces is None:
            return self._reverse(viewname, args)
        out = [pieces[0]]
        for arg, after in zip(args, pieces[1:], strict=True):
            out.append(str(arg))
            out.append(after)
        return "".join(out)

    def _reverse(self, viewname: str, args: tuple[Any, ...]) -> str:
        return reverse(viewname, args=args, current_app=self.current_app)

    def _split(self, viewname: str, count: int) -> list[str] | None:
        """The URL cut at each stand-in, or None if a stand-in is not there exactly once."""
        stand_ins = [str(_STAND_IN + n) for n in range(count)]
        rest = self._reverse(viewname, tuple(int(s) for s in stand_ins))
        pieces = []
        for stand_in in stand_ins:
            if rest.count(stand_in) != 1:
                return None
            before, rest = rest.split(stand_in)
            pieces.append(before)
        pieces.append(rest)
        return pieces


def _current_app(context: Context) -> str | None:
    # As `{% url %}` finds it, so namespaces resolve the same way.
    try:
        return context.request.current_app  # type: ignore[attr-defined]
    except AttributeError:
        try:
            return context.request.resolver_match.namespace  # type: ignore[attr-defined]
        except AttributeError:
            return None


@register.simple_tag(takes_context=True)
def row_url(context: Context, viewname: str, *args: Any) -> str:
    """`{% url viewname arg ... %}` for a row of a list: the pattern is reversed once per render."""
    current_app = _current_app(context)
    key = f"coprod.rowurls.RowUrls:{current_app or ''}"
    urls = context.render_context.get(key)
    if urls is None:
        urls = context.render_context[key] = RowUrls(current_app)
    return urls(viewname, *args)
