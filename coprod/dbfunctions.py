"""Small database functions Django does not ship, written for PostgreSQL and SQLite."""

from django.db.models import Func, IntegerField


class DaysBetween(Func):
    """Whole days from the second date to the first (later minus earlier), as an integer.

    Both arguments must be dates (a DateField, or TruncDate of a moment).
    Django turns date minus date into an interval; reports need a number of
    days to compare, count and take a median of, in the database.
    """

    arity = 2
    output_field = IntegerField()

    def as_sql(self, compiler, connection, **extra_context):
        # PostgreSQL: date - date is already a whole number of days.
        return super().as_sql(compiler, connection, template="(%(expressions)s)", arg_joiner=" - ")

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler,
            connection,
            template="CAST(ROUND(julianday(%(expressions)s)) AS INTEGER)",
            arg_joiner=") - julianday(",
        )
