"""Django settings. Everything that differs between machines comes from the environment
through `governance.env`; see the README for the variables."""

from pathlib import Path

import dj_database_url
from django.conf import global_settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from governance.env import env_bool, env_cache, env_int, env_json_object, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)

# A fixed key is fine for a developer's laptop; production must bring its own.
_DEV_SECRET_KEY = "dev-only-insecure-key-never-use-in-production-0123456789"  # noqa: S105
SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET_KEY if DEBUG else None)
if not DEBUG and (
    not SECRET_KEY
    or SECRET_KEY == _DEV_SECRET_KEY
    or SECRET_KEY.startswith("django-insecure")
    or len(SECRET_KEY) < 50
    or len(set(SECRET_KEY)) < 5
):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to at least 50 random characters when DEBUG is off. "
        'Generate one with: python -c "import secrets; print(secrets.token_urlsafe(50))"'
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "axes",
    "governance",
    "disciplines",
    "roles",
    "content_workflow",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "governance.request_cache.RequestCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so that it sees the outcome of every authentication attempt.
    "axes.middleware.AxesMiddleware",
]

# bench/ only: a query-count header and a bare view (governance/bench.py). Never in production.
BENCH = env_bool("BENCH", False)
if BENCH:
    MIDDLEWARE.insert(0, "governance.bench.QueryCountMiddleware")

ROOT_URLCONF = "governance.urls"
WSGI_APPLICATION = "governance.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "governance.context_processors.navigation",
                "content_workflow.context_processors.notifications",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------
_database_url = env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
try:
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60, conn_health_checks=True)}
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a database URL Django understands: {exc}") from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT: our queries are short OLTP reads, and on large tables the planner's cost
    # estimate crossed the JIT threshold, so each list spent ~2 s compiling a plan that
    # then ran in a fraction of that (bench/plans/before/).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
    SILENCED_SYSTEM_CHECKS = []
else:
    # Indexes that carry extra columns (INCLUDE, for counts answered from the index on
    # PostgreSQL) are built with their key columns alone elsewhere: nothing to warn about.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication ---------------------------------------------------------------------
# Argon2 first: the winner of the Password Hashing Competition, memory-hard, and about
# half the time of Django's default PBKDF2 (1,500,000 iterations) per sign-in, which was
# most of a sign-in on a loaded 2-core machine. The others still check older hashes,
# which Django upgrades to Argon2 at the next sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    *(hasher for hasher in global_settings.PASSWORD_HASHERS if not hasher.endswith(".Argon2PasswordHasher")),
]
AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses a locked-out login before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Single sign-on with OpenID Connect (governance/oidc.py, README "Single sign-on"): off
# unless OIDC_CLIENT_ID is set. Endpoints come from the issuer's discovery document, or
# each from its own variable (which wins). Groups in OIDC_GROUPS_CLAIM map to the app's
# roles (OIDC_ROLE_MAP) and, optionally, to memberships (OIDC_MEMBERSHIP_MAP).
OIDC_RP_CLIENT_ID = env_str("OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = env_str("OIDC_CLIENT_SECRET", "")
OIDC_ISSUER = env_str("OIDC_ISSUER", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("OIDC_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = env_str("OIDC_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = env_str("OIDC_USERINFO_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = env_str("OIDC_JWKS_ENDPOINT", "")
OIDC_OP_LOGOUT_ENDPOINT = env_str("OIDC_END_SESSION_ENDPOINT", "")
OIDC_RP_SCOPES = env_str("OIDC_SCOPES", "openid email profile")
OIDC_RP_SIGN_ALGO = env_str("OIDC_SIGN_ALGO", "RS256")
OIDC_PROVIDER_NAME = env_str("OIDC_PROVIDER_NAME", "single sign-on")
OIDC_ONLY = env_bool("OIDC_ONLY", False)
OIDC_GROUPS_CLAIM = env_str("OIDC_GROUPS_CLAIM", "groups")
OIDC_ROLE_MAP = env_json_object("OIDC_ROLE_MAP")
OIDC_MEMBERSHIP_MAP = env_json_object("OIDC_MEMBERSHIP_MAP")
OIDC_STORE_ID_TOKEN = True  # for the provider's sign-out (id_token_hint)
OIDC_TIMEOUT = 10
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_callback"
LOGIN_REDIRECT_URL_FAILURE = "login"
if OIDC_RP_CLIENT_ID:
    AUTHENTICATION_BACKENDS.insert(1, "governance.oidc.Backend")

# Brute-force protection: five failures for one username from one address lock it for
# an hour. Locking by username alone would let an attacker lock anyone out.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env_int("PROXY_COUNT", 0, minimum=0)

# No anonymous guardian user: every page needs a signed-in user.
ANONYMOUS_USER_NAME = None

# --- Internationalisation ---------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("de", _("German"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# One date style per language, used by every template and service (governance/formats/).
FORMAT_MODULE_PATH = ["governance.formats"]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Berlin")
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Filled by collectstatic for production; in DEBUG runserver serves straight from static/.
STATIC_ROOT = None if DEBUG else BASE_DIR / "staticfiles"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- Security ---------------------------------------------------------------------------
# Behind a TLS-terminating proxy set HTTPS=1 (the default without DEBUG): redirects to
# https, secure cookies and HSTS. HTTPS=0 is only for trying the stack on plain http.
HTTPS = env_bool("HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if HTTPS else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# Everything is served by the app itself: no CDN, no inline script.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

# --- E-mail -----------------------------------------------------------------------------
# In DEBUG, mail is written to files in EMAIL_FILE_PATH (default var/mail/), one line
# logged per message, unless EMAIL_HOST is set; in production it goes through SMTP
# (EMAIL_HOST, default localhost). EMAIL_BACKEND picks another backend; the SMTP options
# go to the SMTP backend only, since Django 6.1 refuses options a backend does not know
# (InvalidMailer).
_SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
_FILE_BACKEND = "governance.mail.FileEmailBackend"
_email_host = env_str("EMAIL_HOST")
_email_backend = env_str("EMAIL_BACKEND", _FILE_BACKEND if DEBUG and not _email_host else _SMTP_BACKEND)
if _email_backend == _SMTP_BACKEND:
    _email_options = {
        "host": _email_host or "localhost",
        "port": env_int("EMAIL_PORT", 587 if _email_host else 25, minimum=1),
        "username": env_str("EMAIL_HOST_USER", ""),
        "password": env_str("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS", bool(_email_host)),
        "timeout": 10,
    }
elif _email_backend in (_FILE_BACKEND, "django.core.mail.backends.filebased.EmailBackend"):
    _email_options = {"file_path": env_str("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))}
else:
    _email_options = {}
MAILERS = {"default": {"BACKEND": _email_backend, "OPTIONS": _email_options}}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "governance@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Absolute links in e-mails; governance.checks warns when it is left on this machine.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

# --- Cache ------------------------------------------------------------------------------
# Throttle counters (API token requests) live here. Without CACHE_URL each process
# counts on its own; production sets it so that every gunicorn process on every machine
# shares one count in Redis.
CACHES = env_cache("CACHE_URL")

# --- Planning window ---------------------------------------------------------------------
# Due dates may lie at most this many days ahead; budget months up to that day's month
# (content_workflow.planning).
MAX_PLANNING_DAYS = env_int("MAX_PLANNING_DAYS", 730, minimum=1)

# --- Celery -----------------------------------------------------------------------------
# Without a broker, tasks run in-process right after the transaction commits, so the
# app works with no services at all. The database holds all state; the broker only
# carries hints to act, and the periodic sweeper recovers anything a lost message left.
_celery_broker = env_str("CELERY_BROKER_URL")
CELERY_TASK_ALWAYS_EAGER = _celery_broker is None
# Eager tasks still take a producer to serialise their arguments. Without a broker that
# producer would look for an AMQP server on localhost (and log "No hostname was
# supplied"); kombu's in-process memory transport gives it one that reaches nothing.
CELERY_BROKER_URL = _celery_broker or "memory://localhost/"
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "governance")
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
# A task is killed long before Redis would redeliver its unacknowledged message, so a
# slow task is never run twice at the same time by accident.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_SOFT_TIME_LIMIT = 120
CELERY_TASK_TIME_LIMIT = 180
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A worker keeps trying to reach the broker however long it is down (the default gives
# up after 100 tries, about 45 minutes, and the worker exits); between tries it waits
# at most 30 s (kombu's fixed ceiling), which the recovery bound below allows for.
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_BEAT_SCHEDULE_FILENAME = env_str("CELERY_BEAT_SCHEDULE_FILENAME", str(BASE_DIR / "var" / "celerybeat-schedule"))
# Recovery of routing whose message was lost (broker outage, killed worker): a request
# still waiting for routing CONTENT_WORKFLOW_STUCK_SECONDS after it started waiting is
# re-queued by a sweep that runs every CONTENT_WORKFLOW_SWEEP_SECONDS. Why this is the
# mechanism, and why it routes within two minutes: content_workflow/services/periodic.py.
CONTENT_WORKFLOW_STUCK_SECONDS = env_int("CONTENT_WORKFLOW_STUCK_SECONDS", 45, minimum=1)
CONTENT_WORKFLOW_SWEEP_SECONDS = env_int("CONTENT_WORKFLOW_SWEEP_SECONDS", 15, minimum=1)
# A create form's one-time token (content_workflow/submissions.py) is accepted this long
# after the form was shown; older claims are deleted hourly.
SUBMISSION_TOKEN_MAX_AGE_HOURS = env_int("SUBMISSION_TOKEN_MAX_AGE_HOURS", 24, minimum=1)
# One-click links in e-mails to experts (accept, decline, the input form) work this long
# and once each (content_workflow/email_links.py).
EMAIL_LINK_MAX_AGE_DAYS = env_int("EMAIL_LINK_MAX_AGE_DAYS", 7, minimum=1)
# How long after completing a request its requester may still change rating and thanks.
RATING_EDIT_DAYS = env_int("RATING_EDIT_DAYS", 7, minimum=0)
# Per-person tables (contributions, hours, rating per expert) on the executive dashboard.
# Off by default: in Germany a works council must agree to per-person performance figures;
# turn it on only where that agreement exists (governance/recognition.py).
PERSON_FIGURES = env_bool("PERSON_FIGURES", False)
# The dashboards' period figures and trend are kept this long (governance/figures_cache.py);
# periods that are over, for a day. 0: computed on every view.
FIGURES_CACHE_SECONDS = env_int("FIGURES_CACHE_SECONDS", 300, minimum=0)
# Assessments are personal data with a purpose that fades: older ones are deleted daily
# (governance/personal_data.py). Three years by default.
ASSESSMENT_RETENTION_DAYS = env_int("ASSESSMENT_RETENTION_DAYS", 3 * 365, minimum=1)
# Time-based work lives here and reads the database; no task is scheduled with an ETA.
CELERY_BEAT_SCHEDULE = {
    "clear-expired-sessions": {"task": "governance.tasks.clear_expired_sessions", "schedule": 6 * 3600},
    # Idempotent per person and week (governance/digest.py): hourly catches up a missed Monday.
    "governance-weekly-digests": {"task": "governance.tasks.send_weekly_digests", "schedule": 3600},
    # Retention of assessments (ASSESSMENT_RETENTION_DAYS): idempotent, daily is enough.
    "governance-expire-assessments": {"task": "governance.tasks.expire_old_assessments", "schedule": 24 * 3600},
    # Expert input workflow: each job is idempotent and cheap when there is nothing to do.
    # A sweep that no worker took before the next one is due is dropped, not piled up.
    "content-workflow-sweep": {
        "task": "content_workflow.tasks.sweep_stuck_requests",
        "schedule": CONTENT_WORKFLOW_SWEEP_SECONDS,
        "options": {"expires": CONTENT_WORKFLOW_SWEEP_SECONDS},
    },
    "content-workflow-emails": {"task": "content_workflow.tasks.resend_lost_emails", "schedule": 300},
    # Each status change adds a row or two to the request tallies; this keeps them few.
    "content-workflow-tallies": {"task": "content_workflow.tasks.compact_request_tallies", "schedule": 300},
    "content-workflow-deadlines": {"task": "content_workflow.tasks.run_deadlines", "schedule": 900},
    "content-workflow-deputies": {"task": "content_workflow.tasks.sync_deputy_grants", "schedule": 3600},
    "content-workflow-digests": {"task": "content_workflow.tasks.send_digests", "schedule": 3600},
    "content-workflow-submission-tokens": {
        "task": "content_workflow.tasks.expire_submission_tokens",
        "schedule": 3600,
    },
}

# --- REST API ---------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "governance.api.pagination.Pagination",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": [
        "governance.filtersets.FilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "governance.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "governance.api.exceptions.exception_handler",
    "DEFAULT_PARSER_CLASSES": [
        "governance.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_METADATA_CLASS": "governance.api.metadata.Metadata",
    "DEFAULT_THROTTLE_RATES": {"token": "20/minute"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Social media governance API",
    "DESCRIPTION": "Disciplines, organisational models, job profiles and the expert input workflow.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Logging ----------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # In-process tasks would log a line per task run ("Task ... succeeded"); a worker
        # configures its own logging and keeps them.
        **({"celery.app.trace": {"level": "WARNING"}} if CELERY_TASK_ALWAYS_EAGER else {}),
    },
}

# Demo data may never be loaded by accident into a production database.
DEMO_PASSWORD = env_str("DEMO_PASSWORD", "demo")
