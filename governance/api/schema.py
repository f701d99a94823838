"""The error answers every operation may give, declared once for the whole API.

Views declare what is special about them (a 409 with `current_role`, a 400 with
`problems`); this schema class adds what holds everywhere, so that every status code
the API can answer is in `/api/schema/` with the body it really has:

- 400 on operations that take a body or query parameters: `{"field": ["message"]}`
  (`non_field_errors` for the whole input), or `{"detail": "..."}` for a body that is
  not readable at all;
- 403 on every operation: not signed in, or not allowed;
- 404 on operations with a path parameter (not there, or not visible to the user) and on
  paginated lists (a page past the end);
- 409 on every write: a rule of the domain refused it (`{"detail", "code"}`);
- 429 on throttled operations.

A declared error without a body gets the default body of its status code.
"""

from drf_spectacular.openapi import AutoSchema as BaseAutoSchema
from drf_spectacular.plumbing import ResolvedComponent

from governance.api.serializers import DetailSerializer, ErrorSerializer

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
BODY_METHODS = {"POST", "PUT", "PATCH"}

VALIDATION_ERROR = {
    "type": "object",
    "description": (
        "Each invalid field with its messages (`non_field_errors` for the input as a whole); "
        "nested fields answer an object of their own. An unreadable body answers `detail`."
    ),
    "additionalProperties": {
        "anyOf": [
            {"type": "array", "items": {}},
            {"type": "object", "additionalProperties": {}},
            {"type": "string"},
        ]
    },
    "example": {"title": ["This field is required."]},
}

DESCRIPTIONS = {
    "400": "Invalid input: the body names each field with its messages.",
    "403": "Not signed in, or not allowed to do this.",
    "404": "Not found, or not visible to the signed-in user.",
    "409": "A rule refused the change; `code` says which.",
    "429": "Too many attempts; try again later.",
}


class AutoSchema(BaseAutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code in self._error_codes() - responses.keys():
            responses[code] = {"description": DESCRIPTIONS[code]}
        for code, declared in responses.items():
            if code >= "400" and "content" not in declared:
                responses[code] = self._error_response(code, declared["description"])
        return dict(sorted(responses.items()))

    def _error_codes(self):
        codes = {"403"}
        declared = [parameter for parameter in self.get_override_parameters() if not isinstance(parameter, dict)]
        has_query = bool(
            self._get_filter_parameters()
            or self._get_pagination_parameters()
            or any(parameter.location == "query" for parameter in declared)
        )
        if self.method in BODY_METHODS or has_query:
            codes.add("400")
        if "{" in self.path or self._get_pagination_parameters():
            codes.add("404")
        if self.method in WRITE_METHODS:
            codes.add("409")
        if getattr(self.view, "throttle_classes", None):
            codes.add("429")
        return codes

    def _error_response(self, code, description):
        return self._get_response_for_code(self._error_body(code), code) | {"description": description}

    def _error_body(self, code):
        if code == "400":
            component = ResolvedComponent(
                name="ValidationError", type=ResolvedComponent.SCHEMA, object="ValidationError", schema=VALIDATION_ERROR
            )
            self.registry.register_on_missing(component)
            return component.ref
        if code == "409":
            return ErrorSerializer
        return DetailSerializer
