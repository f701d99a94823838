"""FastRead serialises list rows to exactly DRF's own output (governance/api/fast_read.py).

Every serializer that mixes it in is compared, field for field and in field order, with
DRF's generic walk over real rows in every state, in UTC and in a zone with an offset.
"""

import datetime

import pytest
from django.utils import timezone, translation
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from content_workflow import services
from content_workflow.api import piece_serializers
from content_workflow.api import serializers as workflow_serializers
from content_workflow.models import (
    Channel,
    ContentPiece,
    ExpertInputRequest,
    Format,
    Notification,
    Status,
    TimeAllocationRequest,
    TimeBudget,
)
from governance.api.fast_read import _BUILT_FIELDS, FastRead

# Every serializer with FastRead, and the rows it is compared on.
COVERED = {
    workflow_serializers.ExpertRequestSerializer: ExpertInputRequest,
    workflow_serializers.ExpertRequestDetailSerializer: ExpertInputRequest,
    workflow_serializers.RequestAllocationSerializer: TimeAllocationRequest,
    workflow_serializers.TimeAllocationSerializer: TimeAllocationRequest,
    workflow_serializers.TimeBudgetSerializer: TimeBudget,
    workflow_serializers.NotificationSerializer: Notification,
    piece_serializers.ContentPieceSerializer: ContentPiece,
    piece_serializers.ContentPieceDetailSerializer: ContentPiece,
}


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_every_fast_serializer_is_compared_here():
    assert set(_subclasses(FastRead)) == set(COVERED)


def _generic(cls):
    """The same serializer with DRF's own to_representation."""
    return type(f"Generic{cls.__name__}", (cls,), {"to_representation": serializers.ModelSerializer.to_representation})


@pytest.fixture
def rows_in_every_state(in_state, team):
    waiting = in_state(Status.AWAITING_ALLOCATION, title="Fewer hours offered").allocations.get()
    services.allocation_approve(allocation=waiting, actor=team.manager, hours="0.5", reason="Tight month")
    # Unroutable last: it makes both experts absent for the rest of the test.
    for status in sorted(Status.values, key=lambda status: status == Status.UNROUTABLE):
        in_state(status, title=f"In {status}")
    piece = services.piece_create(
        actor=team.requester, title="Pricing explained", channel=Channel.BLOG, format=Format.BLOG_POST
    )
    # A budget nobody approved yet (no approver, no approval time), beside the routed month's.
    TimeBudget.objects.create(discipline=team.product, month=datetime.date(2020, 1, 1))
    services.piece_transition(piece=piece, actor=team.requester, action="start")
    services.piece_create(actor=team.requester, title="An idea", channel=Channel.BLOG, format=Format.BLOG_POST)


@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin", "America/St_Johns"])
@pytest.mark.parametrize("serializer_class", list(COVERED), ids=lambda cls: cls.__name__)
def test_fast_output_is_drfs_output(rows_in_every_state, team, serializer_class, zone):
    model = COVERED[serializer_class]
    rows = list(model.objects.all())
    assert len(rows) >= 2, f"no {model.__name__} rows to compare"
    request = Request(APIRequestFactory().get("/"))
    request.user = team.requester
    with timezone.override(zone):
        fast = serializer_class(rows, many=True, context={"request": request}).data
        generic = _generic(serializer_class)(rows, many=True, context={"request": request}).data
    assert [list(row.items()) for row in fast] == [list(row.items()) for row in generic]


def test_a_naive_datetime_and_a_missing_relation_go_through_drf(team, make_request):
    request = make_request()
    request.submitted_at = timezone.now().replace(tzinfo=None)  # as a careless caller might set it
    request.target_discipline_id = None  # an unsaved change: the relation is missing
    fast = workflow_serializers.ExpertRequestSerializer(request).data
    generic = _generic(workflow_serializers.ExpertRequestSerializer)(request).data
    assert fast == generic
    assert fast["submitted_at"] == generic["submitted_at"] is not None


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize("cls", list(COVERED), ids=lambda cls: cls.__name__)
def test_fields_built_once_are_drfs_own_and_each_instance_gets_its_own(cls, language):
    with translation.override(language):
        kept, again = cls().get_fields(), cls().get_fields()
        built = serializers.ModelSerializer.get_fields(cls())
    assert [(name, repr(field)) for name, field in kept.items()] == [
        (name, repr(field)) for name, field in built.items()
    ]
    assert all(kept[name] is not again[name] for name in kept)
    assert all(field.parent is None for field in _BUILT_FIELDS[cls, language].values())  # never bound


def test_fields_keep_the_labels_of_each_language():
    """In English DRF leaves the title's label out (the field's name says "Title"); built
    in English first, German must still say "Titel"."""
    _BUILT_FIELDS.clear()
    labels = {}
    for language in ("en", "de"):
        with translation.override(language):
            fields = workflow_serializers.ExpertRequestSerializer().fields
            labels[language] = str(fields["title"].label)
    assert labels == {"en": "Title", "de": "Titel"}
