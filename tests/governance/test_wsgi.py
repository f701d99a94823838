"""The served application collects garbage between requests and freezes a warm worker's
heap once (governance.wsgi)."""

import gc

import pytest

from governance.wsgi import SAFETY_THRESHOLD, CollectBetweenRequests


class Response(list):
    closed = False

    def close(self):
        self.closed = True


@pytest.fixture
def collector(monkeypatch):
    """What the app asks of the garbage collector, instead of asking it."""
    calls = []
    monkeypatch.setattr(gc, "collect", lambda generation=2: calls.append(("collect", generation)) or 0)
    monkeypatch.setattr(gc, "freeze", lambda: calls.append(("freeze",)))
    monkeypatch.setattr(gc, "set_threshold", lambda *threshold: calls.append(("threshold", *threshold)))
    return calls


def serve(app, n):
    """One request through `app` as a WSGI server does: iterate the body, then close it."""
    result = app({"n": n, "wsgi.file_wrapper": FileWrapper}, None)
    body = b"".join(result)
    result.close()
    return result, body


class FileWrapper:
    def __init__(self, filelike):
        self.filelike = filelike

    def __iter__(self):
        return iter([b"file"])


def test_the_collection_runs_after_the_response_is_closed_not_before(collector):
    answered = []
    app = CollectBetweenRequests(lambda environ, start_response: answered.append(environ["n"]) or Response([b"ok"]))
    assert collector == []  # importing or building the app changes nothing
    result = app({"n": 1}, None)
    assert collector == [("threshold", SAFETY_THRESHOLD, *gc.get_threshold()[1:])]  # the first request raises it
    assert b"".join(result) == b"ok"
    assert ("collect", 1) not in collector  # nothing while the body is written
    result.close()
    assert result.result.closed  # the response's own close() (Django's request_finished) ran
    assert collector[-1] == ("collect", 1)
    assert answered == [1]


def test_young_generations_each_time_everything_now_and_then_and_one_freeze(collector):
    app = CollectBetweenRequests(lambda environ, start_response: Response([b"ok"]), warm=3, full_every=5)
    for n in range(1, 11):
        assert serve(app, n)[1] == b"ok"
    collections = [call for call in collector if call[0] != "threshold"]
    assert collections == [
        ("collect", 1),
        ("collect", 1),
        ("collect", 2),  # the warm-up's end: everything, then the freeze
        ("freeze",),
        ("collect", 1),
        ("collect", 2),  # the 5th
        ("collect", 1),
        ("collect", 1),
        ("collect", 1),
        ("collect", 1),
        ("collect", 2),  # the 10th
    ]


def test_a_file_for_the_server_to_send_is_passed_through(collector):
    sent = FileWrapper(None)
    app = CollectBetweenRequests(lambda environ, start_response: sent)
    assert app({"wsgi.file_wrapper": FileWrapper}, None) is sent
