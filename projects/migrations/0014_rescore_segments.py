from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("projects", "0013_standards_literal_and_article")]

    operations = []
