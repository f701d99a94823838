import pytest
from django.core.exceptions import ImproperlyConfigured

from governance.env import env_bool, env_cache, env_int, env_list, env_str


def test_bool_accepts_the_usual_spellings(monkeypatch):
    for raw, expected in [("1", True), ("TRUE", True), ("on", True), ("0", False), ("no", False), ("", False)]:
        monkeypatch.setenv("FLAG", raw)
        assert env_bool("FLAG") is expected


def test_bool_rejects_anything_else_naming_the_variable(monkeypatch):
    monkeypatch.setenv("FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="FLAG.*'maybe'"):
        env_bool("FLAG")


def test_int_rejects_words_and_values_below_the_minimum(monkeypatch):
    monkeypatch.setenv("PORT", "eighty")
    with pytest.raises(ImproperlyConfigured, match="PORT must be a whole number"):
        env_int("PORT", 1)
    monkeypatch.setenv("PORT", "-1")
    with pytest.raises(ImproperlyConfigured, match="PORT must be at least 0"):
        env_int("PORT", 1, minimum=0)


def test_defaults_apply_only_when_unset(monkeypatch):
    monkeypatch.delenv("NAME", raising=False)
    assert env_str("NAME", "fallback") == "fallback"
    assert env_list("NAME", ["a"]) == ["a"]
    monkeypatch.setenv("NAME", " a, ,b ")
    assert env_list("NAME") == ["a", "b"]
    assert env_str("NAME") == "a, ,b"


def test_cache_is_redis_when_cache_url_is_set_and_memory_otherwise(monkeypatch):
    monkeypatch.delenv("CACHE_URL", raising=False)
    assert env_cache("CACHE_URL")["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    monkeypatch.setenv("CACHE_URL", "redis://cache.internal:6379/2")
    assert env_cache("CACHE_URL") == {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://cache.internal:6379/2",
        }
    }


def test_cache_url_must_be_a_redis_url(monkeypatch):
    monkeypatch.setenv("CACHE_URL", "memcached://cache:11211")
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL must be a redis://"):
        env_cache("CACHE_URL")
