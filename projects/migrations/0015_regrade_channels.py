from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("projects", "0014_rescore_segments")]

    operations = []
