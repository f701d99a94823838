"""The workflow's cast and stage (tests/content_workflow/conftest.py) for the governance
tests that need requests: personal data and its erasure."""

from tests.content_workflow.conftest import (  # noqa: F401 (fixtures)
    budget,
    due,
    hub_model,
    make_request,
    member,
    open_work,
    routed,
    team,
)
