from django.http import HttpRequest

from .access import scope_of


def current_role(request: HttpRequest) -> dict[str, object]:
    return {"scope": scope_of(getattr(request, "user", None))}
