from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("projects", "0015_regrade_channels")]

    operations = []
