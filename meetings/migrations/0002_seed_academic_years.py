"""The current and next academic years with England's default term dates."""

import datetime

from django.db import migrations


def seed(apps, schema_editor):
    from meetings.terms import default_term_dates  # pure date arithmetic, no models used

    AcademicYear = apps.get_model("meetings", "AcademicYear")
    Term = apps.get_model("meetings", "Term")
    today = datetime.date.today()
    current = today.year if today.month >= 9 else today.year - 1
    for start_year in (current, current + 1):
        year, _ = AcademicYear.objects.get_or_create(start_year=start_year)
        for kind, (starts, half_starts, half_ends, ends) in default_term_dates(start_year).items():
            Term.objects.get_or_create(
                academic_year=year,
                local_authority=None,
                kind=str(kind),
                defaults={
                    "starts_on": starts,
                    "half_term_starts_on": half_starts,
                    "half_term_ends_on": half_ends,
                    "ends_on": ends,
                },
            )


class Migration(migrations.Migration):
    dependencies = [("meetings", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
