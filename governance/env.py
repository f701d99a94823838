"""The one place that reads configuration from the environment.

Every reader fails loudly with the variable's name and what was wrong, so a typo in a
deployment stops start-up instead of silently falling back to a default.
"""

import json
import os
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _raw(name):
    value = os.environ.get(name)
    return None if value is None else value.strip()


def env_str(name, default=None):
    value = _raw(name)
    return default if value is None or value == "" else value


def env_bool(name, default=False):
    value = _raw(name)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0, true/false, yes/no, on/off; got {value!r}.")


def env_int(name, default, *, minimum=None):
    value = _raw(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {value!r}.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}; got {number}.")
    return number


def env_list(name, default=()):
    """A comma-separated list; empty items are dropped."""
    value = _raw(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_json_object(name, default=None):
    """A JSON object (a mapping), e.g. OIDC_ROLE_MAP='{"gov-leads": "governance_lead"}'."""
    value = _raw(name)
    if value is None or value == "":
        return dict(default or {})
    try:
        parsed = json.loads(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a JSON object; {exc}.") from None
    if not isinstance(parsed, dict):
        raise ImproperlyConfigured(f"{name} must be a JSON object ({{...}}); got {value!r}.")
    return parsed


def env_cache(name):
    """Django's CACHES: Redis through Django's own RedisCache when `name` holds its URL,
    else this process's memory."""
    value = env_str(name)
    if value is None:
        return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    if urlsplit(value).scheme not in {"redis", "rediss", "unix"}:
        raise ImproperlyConfigured(f"{name} must be a redis://, rediss:// or unix:// URL; got {value!r}.")
    return {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": value}}
