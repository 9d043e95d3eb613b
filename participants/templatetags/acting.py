from django import template

from participants.rules import act_for_ids

register = template.Library()


@register.simple_tag
def people_acted_for(user, rows) -> set[int]:
    """{% people_acted_for user found as acting %}: the ids `participants.act_for` allows.

    `rows` are (person, ...) pairs, as the "cannot reach" lists hold them; the
    rule is asked once for the list, not once a row with {% has_perm %}.
    """
    return act_for_ids(user, (row[0] for row in rows))
