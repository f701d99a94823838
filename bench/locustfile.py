"""Mixed load across the demo roles: each simulated user is one role (lead, communicator,
expert, manager, executive in turn) and opens that role's pages and API lists at random,
with a short think time. The sessions and URLs come from prepare.py (BENCH_TARGETS)."""

import itertools
import json
import os
import random

from locust import HttpUser, between, task

TARGETS = json.loads(open(os.environ["BENCH_TARGETS"]).read())  # noqa: SIM115, PTH123
ROLES = itertools.cycle(sorted(TARGETS["roles"]))


class RoleUser(HttpUser):
    wait_time = between(1, 3)

    def on_start(self):
        self.role = next(ROLES)
        target = TARGETS["roles"][self.role]
        self.urls = target["urls"]
        self.client.cookies.set(TARGETS["cookie"], target["session"])

    @task
    def open_page(self):
        path = random.choice(self.urls)  # noqa: S311
        # Grouped by role and path without the id, so the report stays readable.
        self.client.get(path, name=f"{self.role} {path.split('?')[0]}", headers={"Accept-Language": "en"})
