"""More than one web machine: the uploads on a storage every machine shares (an S3-compatible
object store through django-storages, when MEDIA_S3_BUCKET is set), and a cache they share
(Redis, when REDIS_URL is set). Each case loads the settings in a fresh interpreter with the
environment a production machine would have."""

import json
import os
import subprocess
import sys
import unittest
from pathlib import Path

from django.test import SimpleTestCase

REPO = Path(__file__).resolve().parents[1]
REDIS = "redis://127.0.0.1:6379/15"

PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.core.cache import caches
from django.core.files.storage import storages
storage = storages["default"]
result = {
    "storage": type(storage).__name__,
    "bucket": getattr(storage, "bucket_name", None),
    "endpoint": getattr(storage, "endpoint_url", None),
    "acl": getattr(storage, "default_acl", None),
    "overwrite": getattr(storage, "file_overwrite", None),
    "cache": type(caches["default"]).__name__,
    "sessions": settings.SESSION_ENGINE,
}
if result["cache"] == "RedisCache":
    cache = caches["default"]
    cache.set("waterworks-probe", "水", 30)
    result["cached"] = cache.get("waterworks-probe")
    cache.delete("waterworks-probe")
print(json.dumps(result))
"""


def settings_with(**env):
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("MEDIA_S3_", "REDIS_URL"))
    }
    environment.update(DJANGO_SETTINGS_MODULE="waterworks.settings", DEBUG="1", **env)
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    if done.returncode:
        raise AssertionError(done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


def redis_is_up():
    try:
        import redis

        return redis.Redis.from_url(REDIS, socket_connect_timeout=1).ping()
    except Exception:
        return False


class MachineSettingsTests(SimpleTestCase):
    def test_one_machine_keeps_files_on_its_disk_and_its_own_cache(self):
        found = settings_with()
        self.assertEqual(found["storage"], "FileSystemStorage")
        self.assertEqual(found["cache"], "LocMemCache")
        self.assertEqual(found["sessions"], "django.contrib.sessions.backends.db")

    def test_several_machines_keep_files_in_a_private_bucket(self):
        found = settings_with(
            MEDIA_S3_BUCKET="waterworks-media",
            MEDIA_S3_ENDPOINT_URL="https://minio.internal:9000",
            MEDIA_S3_ACCESS_KEY="key",
            MEDIA_S3_SECRET_KEY="secret",
        )
        self.assertEqual(found["storage"], "S3Storage")
        self.assertEqual(found["bucket"], "waterworks-media")
        self.assertEqual(found["endpoint"], "https://minio.internal:9000")
        self.assertEqual(found["acl"], "private")
        self.assertIs(found["overwrite"], False)  # two machines never replace each other's file

    @unittest.skipUnless(
        redis_is_up() or os.environ.get("REQUIRE_REDIS") == "1",
        "Redis is not running on 127.0.0.1:6379 (CI sets REQUIRE_REDIS=1 and starts it)",
    )
    def test_several_machines_share_a_redis_cache(self):
        found = settings_with(REDIS_URL=REDIS)
        self.assertEqual(found["cache"], "RedisCache")
        self.assertEqual(found["cached"], "水")
