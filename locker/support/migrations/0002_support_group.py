"""Create the "Support" group: the locker lookup plus read access to what support needs.

Permissions are normally created after all migrations (post_migrate), so the ones needed here are
created on the spot with the same codenames and names Django would give them.
"""

from django.db import migrations

GROUP = "Support"
PERMISSIONS = [
    # (app_label, model, codename, name)
    ("locker", "sevendigitallink", "view_customer_locker", "Can look up a customer's locker (support)"),
    ("locker", "sevendigitallink", "view_sevendigitallink", "Can view linked 7digital account"),
    ("locker", "downloadevent", "view_downloadevent", "Can view download event"),
    ("auth", "user", "view_user", "Can view user"),
    ("support", "auditentry", "view_auditentry", "Can view support audit entry"),
]


def create_group(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    group, _ = Group.objects.get_or_create(name=GROUP)
    for app_label, model, codename, name in PERMISSIONS:
        content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": name}
        )
        group.permissions.add(permission)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("support", "0001_initial"),
        ("locker", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
