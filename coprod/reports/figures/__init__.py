"""The figures in funder reports, counted in the database and protected before anyone sees them.

Every figure is an aggregate over the other apps' tables (memberships,
meetings, attendance, the ledger, contributions), read here and never
copied. The number of queries is fixed: it does not grow with members,
meetings or payments (tests/reports/test_query_count.py). Nothing about a
single person leaves this package: no names, no self-descriptions, and
every count of people goes through coprod.reports.suppression.

A report covers one of the project's fixed periods (coprod/reports/periods.py).
Figures that add up across periods (joiners, hours, money) are read for the
whole life at once, one row per person and month, and protected for every
period together (suppression.Grid); figures about who people are (status,
roles, views) describe the whole life whatever the period.

One module per part, each importing only those above it:

    rows            the rows every figure counts: members involved, work done, money that stands
    tables          what a report is made of: Table and Report
    grids           a project's life, and the figures that add up across periods (Grids)
    people          section: who is involved and how
    work            section: meetings, attendance, hours, papers on time
    money           section: what was paid and how fairly and fast
    follow_through  section: answers to members and promised updates
    honesty         section: the ladder of participation and agreed values
    report          project_report(): the five sections and the headline, for one period
    portfolio       portfolio(): one row of headline figures per project

A new figure goes in the section it belongs to; a new section is a module
here with a `<name>_section(project, period, ...) -> (tables, facts)`
function, added to report.project_report.
"""
