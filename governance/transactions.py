from django.db import transaction


def enqueue_on_commit(task, *args):
    """Send `task` once the current transaction commits, never before.

    A worker then always sees the committed state. If the broker is down the send fails
    after the commit: the state is safe in the database and the periodic sweeper picks
    the work up again, so the error is logged (robust) rather than shown to the user.
    """
    transaction.on_commit(lambda: task.delay(*args), robust=True)
