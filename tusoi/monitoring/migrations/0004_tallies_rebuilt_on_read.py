from django.db import migrations


def forget_tallies(apps, schema_editor):
    """Tallies built before `path` existed have it empty: drop them; each open campaign's are
    built again on its next dashboard read."""
    apps.get_model("monitoring", "CellTally").objects.all().delete()
    apps.get_model("monitoring", "TallyState").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0003_celltally_path")]

    operations = [migrations.RunPython(forget_tallies, migrations.RunPython.noop)]
