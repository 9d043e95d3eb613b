"""Seed the dated facts and benefit notes from ../shared/data/payments-facts.md (November 2026).

This is data, not code: admins change or add rows in the admin site when a
rate or a rule changes. Real Living Wage rows take effect from the day they
were announced (employers have until `pay_by`; Coprod pays the new rate at once).
"""

import datetime
from decimal import Decimal

from django.db import migrations

D = datetime.date

FACTS = [
    # key, value, unit, period, valid_from, pay_by, scope, status, source
    ("rlw.uk", "10.90", "GBP", "hour", D(2022, 9, 22), None, "UK outside London", "secondary",
     "brightmine legal timetable; independent.co.uk 2022-09-22"),
    ("rlw.london", "11.95", "GBP", "hour", D(2022, 9, 22), None, "London", "secondary",
     "brightmine legal timetable; independent.co.uk 2022-09-22"),
    ("rlw.uk", "12.00", "GBP", "hour", D(2023, 10, 24), D(2024, 5, 1), "UK outside London",
     "confirmed", "livingwage.org.uk news: real living wage increases to £12 UK and £13.15 London"),
    ("rlw.london", "13.15", "GBP", "hour", D(2023, 10, 24), D(2024, 5, 1), "London", "confirmed",
     "livingwage.org.uk news: real living wage increases to £12 UK and £13.15 London"),
    ("rlw.uk", "12.60", "GBP", "hour", D(2024, 10, 23), D(2025, 5, 1), "UK outside London",
     "secondary", "employeebenefits.co.uk article 279886"),
    ("rlw.london", "13.85", "GBP", "hour", D(2024, 10, 23), D(2025, 5, 1), "London", "secondary",
     "employeebenefits.co.uk article 279886"),
    ("rlw.uk", "13.45", "GBP", "hour", D(2025, 10, 22), D(2026, 5, 1), "UK outside London",
     "secondary", "independent.co.uk 2025-10-22; employeebenefits.co.uk article 281431"),
    ("rlw.london", "14.80", "GBP", "hour", D(2025, 10, 22), D(2026, 5, 1), "London", "secondary",
     "independent.co.uk 2025-10-22; employeebenefits.co.uk article 281431"),
    ("nlw.21_plus", "12.71", "GBP", "hour", D(2026, 4, 1), None, "UK", "confirmed",
     "gov.uk news: LPC recommendations take the national living wage to £12.71"),
    ("uc.work_allowance.higher", "684.00", "GBP", "month", D(2025, 4, 1), None, "UK",
     "secondary", "gov.uk: universal credit, how your wages affect your payments"),
    ("uc.work_allowance.lower", "411.00", "GBP", "month", D(2025, 4, 1), None, "UK",
     "secondary", "gov.uk: universal credit, how your wages affect your payments"),
    ("uc.work_allowance.higher", None, "GBP", "month", D(2026, 4, 1), None, "UK",
     "unconfirmed", "gov.uk proposed benefit and pension rates 2026 to 2027 (not read)"),
    ("esa.permitted_work.higher", "195.50", "GBP", "week", D(2025, 4, 1), None, "UK",
     "secondary", "ferret.co.uk benefit rates; DWP Pathways to Work green paper 2025"),
    ("esa.permitted_work.higher", None, "GBP", "week", D(2026, 4, 1), None, "UK",
     "unconfirmed", "not found"),
    ("carers.earnings_limit", "196.00", "GBP", "week", D(2025, 4, 7), None, "UK", "secondary",
     "carersinherts.org.uk; parliamentary written answer HL464"),
    ("carers.earnings_limit", "204.00", "GBP", "week", D(2026, 4, 1), None, "UK", "secondary",
     "bridgit.care (secondary only)"),
    ("hmrc.trading_allowance", "1000.00", "GBP", "tax_year", D(2017, 4, 6), None, "UK",
     "confirmed", "HMRC Self Assessment help"),
]

NOTES = [
    ("uc", "Universal Credit looks at what you earn in each monthly assessment period. Unless "
     "you have a work allowance (if you are responsible for a child or have limited capability "
     "for work), you lose 55p of Universal Credit for each £1 you earn. Money paid back for "
     "expenses (travel, childcare, care, food) is not counted as earnings. Sources disagree on "
     "whether vouchers count: ask an independent adviser before you choose them.",
     "Report payments in your Universal Credit online journal.",
     "gov.uk universal credit and wages; UC Regulations 2013 reg 55(3)(b); CPAG"),
    ("esa", "With ESA you can do a limited amount of paid work (permitted work). Earning more "
     "than the weekly limit, or working 16 hours or more a week, can end your ESA.",
     "Send form PW1 to the DWP before you start being paid.",
     "nidirect permitted work; DWP green paper 2025"),
    ("carers", "Carer's Allowance has a weekly limit on what you earn after tax and some costs. "
     "Going even £1 over it loses you that whole week's Carer's Allowance.",
     "Tell the Carer's Allowance Unit about payments.",
     "parliamentary written answer HL464; Carers UK"),
    ("pip", "PIP does not depend on what you earn, and you can be paid while you get it. What "
     "you do can be used as evidence at a PIP assessment.", "",
     "gov.uk PIP; Benefits and Work"),
    ("jsa", "Income-based JSA ignores only a small amount of earnings each week (often £5). "
     "JSA and Income Support are being replaced by Universal Credit.",
     "Tell the Jobcentre about any payment.", "ferret.co.uk; askcpag.org.uk"),
    ("income_support", "Income Support ignores only a small amount of earnings each week (often "
     "£5). It is being replaced by Universal Credit.",
     "Tell the Jobcentre about any payment.", "ferret.co.uk; askcpag.org.uk"),
    ("housing_benefit", "Housing Benefit ignores a small amount of earnings each week (£5 to "
     "£25, depending on your situation).", "Tell your council about payments.",
     "legislation.gov.uk SI 2006/214 schedule 4"),
    ("pension_credit", "Pension Credit can be reduced by earnings. We have no confirmed figure: "
     "check with an independent adviser.", "Tell the Pension Service about payments.",
     "payments-facts.md (unconfirmed)"),
    ("other", "Payments may affect other benefits. Check with an independent adviser before "
     "you accept payment: you can choose no payment, or expenses only, at any time.", "",
     "SCIE: paying people who receive benefits (2021)"),
]


def seed(apps, schema_editor):
    Fact = apps.get_model("payments", "Fact")
    BenefitNote = apps.get_model("payments", "BenefitNote")
    for key, value, unit, period, valid_from, pay_by, scope, status, source in FACTS:
        Fact.objects.get_or_create(
            key=key,
            valid_from=valid_from,
            defaults={
                "value": Decimal(value) if value else None,
                "unit": unit,
                "period": period,
                "pay_by": pay_by,
                "scope": scope,
                "status": status,
                "source": source,
            },
        )
    for benefit, note, tell, source in NOTES:
        BenefitNote.objects.get_or_create(
            benefit=benefit,
            valid_from=D(2025, 4, 1),
            defaults={"note": note, "tell": tell, "source": source},
        )


class Migration(migrations.Migration):
    dependencies = [("payments", "0001_payments")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
