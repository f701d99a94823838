from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from governance.access import roles_of
from governance.api.parsers import JSONParser

MeSerializer = inline_serializer(
    "Me",
    {
        "id": serializers.IntegerField(),
        "username": serializers.CharField(),
        "name": serializers.CharField(),
        "roles": serializers.ListField(child=serializers.CharField()),
    },
)


class MeView(APIView):
    """The signed-in user and the roles they hold."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        user = request.user
        return Response(
            {
                "id": user.pk,
                "username": user.get_username(),
                "name": user.get_full_name(),
                "roles": [role.value for role in roles_of(user)],
            }
        )


TokenResponse = inline_serializer("Token", {"token": serializers.CharField()})


class TokenView(ObtainAuthToken):
    """Exchange a username and password for an API token (send it as `Authorization: Token <key>`)."""

    # ObtainAuthToken names DRF's own parsers; ours refuses deeply nested JSON with a 400.
    parser_classes = [JSONParser, FormParser, MultiPartParser]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"

    @extend_schema(request=ObtainAuthToken.serializer_class, responses={200: TokenResponse})
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)

    def handle_exception(self, exc):
        # django-axes marks the request when it refused a locked-out username.
        if getattr(self.request, "axes_locked_out", False):
            return Response(
                {"detail": _("Too many failed sign-in attempts. Try again in an hour.")},
                status=status.HTTP_403_FORBIDDEN,
            )
        return super().handle_exception(exc)
