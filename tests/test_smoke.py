from django.core.management import call_command
from django.test import override_settings


@override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                       "LOCATION": "redis://127.0.0.1:6379/15"}})
def test_system_checks_pass_for_a_production_configuration():
    call_command("check", fail_level="WARNING")
