"""python manage.py report_totals [--check]: rebuild the reports' stored totals from the rows."""

from django.core.management.base import BaseCommand, CommandError

from coprod.reports.totals import totals_differences, totals_recompute


class Command(BaseCommand):
    help = (
        "Count time worked and money that stands again from attendance and the ledger, "
        "and store the totals the portfolio reads. With --check, only say where they differ."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="Change nothing; fail if any total is wrong."
        )

    def handle(self, *args, check, **options):
        if check:
            problems = totals_differences()
            for problem in problems[:50]:
                self.stdout.write(problem)
            if problems:
                raise CommandError(f"{len(problems)} stored totals differ from the rows.")
            self.stdout.write("Every stored total matches the rows.")
            return
        written = totals_recompute()
        self.stdout.write(
            f"Stored {written['worked']} time-worked totals and {written['paid']} money totals."
        )
