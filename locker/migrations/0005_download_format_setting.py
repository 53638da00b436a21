"""The preferred download format moves from the 7digital link (a format id, set by the last
download) to the account's settings (a format name, chosen on the Account page). A customer's
current one is kept: its name is the one their downloads in that format were recorded with."""

from django.db import migrations, models


def keep_current_choice(apps, schema_editor):
    Link = apps.get_model("locker", "SevenDigitalLink")
    Event = apps.get_model("locker", "DownloadEvent")
    Settings = apps.get_model("locker", "AccountSettings")
    for user_id, format_id in Link.objects.exclude(preferred_format_id=None).values_list(
        "user_id", "preferred_format_id"
    ):
        name = (
            Event.objects.filter(user_id=user_id, format_id=format_id)
            .exclude(format_description="")
            .order_by("-created_at")
            .values_list("format_description", flat=True)
            .first()
        )
        if name:
            Settings.objects.update_or_create(user_id=user_id, defaults={"download_format": name})


class Migration(migrations.Migration):
    dependencies = [
        ("locker", "0004_verbose_names"),
    ]

    operations = [
        migrations.AddField(
            model_name="accountsettings",
            name="download_format",
            field=models.CharField(blank=True, max_length=50, verbose_name="preferred download format"),
        ),
        migrations.RunPython(keep_current_choice, migrations.RunPython.noop),
        migrations.RemoveField(model_name="sevendigitallink", name="preferred_format_id"),
    ]
