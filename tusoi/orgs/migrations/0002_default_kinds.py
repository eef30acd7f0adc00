"""Data migration: the organisation kinds in common use (DOMAIN.md). They are rows, editable in
the admin; nothing in the code depends on which levels exist."""

from django.db import migrations

KINDS = [
    ("trung-uong", "Trung ương", False, 10),
    ("tinh-uy", "Tỉnh ủy / Thành ủy", False, 20),
    ("huyen-uy", "Huyện ủy / Quận ủy / Thành ủy (cấp huyện)", False, 30),
    ("dang-uy-tren-co-so", "Đảng ủy cấp trên cơ sở", False, 40),
    ("dang-bo-co-so", "Đảng bộ cơ sở", False, 50),
    ("chi-bo-co-so", "Chi bộ cơ sở", True, 60),
    ("chi-bo", "Chi bộ trực thuộc", True, 70),
]


def add_kinds(apps, schema_editor):
    OrgKind = apps.get_model("orgs", "OrgKind")
    for code, name, is_cell, order in KINDS:
        OrgKind.objects.get_or_create(
            code=code, defaults={"name": name, "is_cell": is_cell, "sort_order": order}
        )


def remove_kinds(apps, schema_editor):
    OrgKind = apps.get_model("orgs", "OrgKind")
    OrgKind.objects.filter(code__in=[k[0] for k in KINDS], organizations__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("orgs", "0001_initial")]
    operations = [migrations.RunPython(add_kinds, remove_kinds)]
