"""Named helpers the tests share: an API client that speaks as a user, and small builders."""
from __future__ import annotations

from pm_app.auth.services import issue_token


class ApiClient:
    def __init__(self, client, user=None):
        self.client = client
        self.user = user
        self._token = None

    def as_(self, user) -> ApiClient:
        return ApiClient(self.client, user)

    def _headers(self, extra=None) -> dict:
        headers = dict(extra or {})
        if self.user is not None:
            if self._token is None:
                self._token = issue_token(self.user)
            headers["Authorization"] = f"Bearer {self._token}"
        return headers

    def request(self, method: str, path: str, **kwargs):
        kwargs["headers"] = self._headers(kwargs.get("headers"))
        return self.client.open(path, method=method.upper(), **kwargs)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, **kw):
        return self.request("POST", path, **kw)

    def patch(self, path, **kw):
        return self.request("PATCH", path, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)
