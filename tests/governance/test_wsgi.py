"""The served application freezes a warm worker's heap once (governance.wsgi)."""

import gc

from governance.wsgi import FreezeWarmHeap


def test_the_heap_is_frozen_once_after_the_warm_up(monkeypatch):
    frozen = []
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(True))
    monkeypatch.setattr(gc, "collect", lambda: 0)
    answered = []
    app = FreezeWarmHeap(lambda environ, start_response: answered.append(environ) or [b"ok"], after=3)

    for n in range(1, 7):
        assert app({"n": n}, None) == [b"ok"]
        assert len(frozen) == (1 if n >= 3 else 0)
    assert [environ["n"] for environ in answered] == [1, 2, 3, 4, 5, 6]  # every request answered
