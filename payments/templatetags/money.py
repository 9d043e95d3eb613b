from django import template

from payments.money import pounds as as_pounds

register = template.Library()


@register.filter
def pounds(pence):
    """450 -> £4.50."""
    return "" if pence in (None, "") else as_pounds(int(pence))
