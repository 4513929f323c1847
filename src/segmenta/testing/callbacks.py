"""One Dash callback client: post a callback as the renderer does, read what it answered.

The client reads ``/_dash-dependencies`` once, builds the renderer's payload (outputs, inputs,
state, changedPropIds) for the callback whose first output is ``"id.prop"``, posts it to
``/_dash-update-component`` and returns ``{component id: {property: value}}`` (``{}`` when the
callback raised ``PreventUpdate``, HTTP 204). It talks to the app through a small transport:
a Flask test client (in process) or an HTTP base URL (a served app, with ``requests``)::

    client = CallbackClient(app.server.test_client())            # or "http://127.0.0.1:8050"
    client.call("coverage.children", {"filter-store.data": ""})  # {"coverage": {...}, ...}
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    import requests
    from flask.testing import FlaskClient

DEPENDENCIES = "/_dash-dependencies"
UPDATE = "/_dash-update-component"

#: a Dash dependency as ``/_dash-dependencies`` lists it
Dependency = Mapping[str, Any]


class CallbackError(AssertionError):
    """A callback answered with an HTTP error (its status and the start of its body)."""


class Headers(Protocol):
    """Response headers, looked up by name without regard to case (werkzeug's, requests')."""

    def __getitem__(self, name: str, /) -> str: ...


@dataclass(frozen=True)
class Reply:
    """What the app answered to one callback post."""

    status: int
    body: bytes
    headers: Headers = field(default_factory=dict[str, str])

    def json(self) -> Any:
        """The body, decoded."""
        return json.loads(self.body)

    def outputs(self) -> dict[str, dict[str, Any]]:
        """``{component id: {property: value}}``; ``{}`` for PreventUpdate (HTTP 204).

        Raises :class:`CallbackError` for any other status than 200.
        """
        if self.status == 204:
            return {}
        if self.status != 200:
            text = self.body.decode("utf-8", "replace")[:2000]
            raise CallbackError(f"HTTP {self.status}: {text}")
        return self.json()["response"]


@runtime_checkable
class Transport(Protocol):
    """How the client reaches the app: GET a JSON document, POST a JSON payload."""

    def get_json(self, path: str) -> Any:
        """The decoded JSON body of ``GET path``."""
        ...

    def post_json(self, path: str, payload: Any) -> Reply:
        """``POST path`` with a JSON body; the raw reply."""
        ...


class FlaskTransport:
    """The app in this process, through its Flask test client."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def get_json(self, path: str) -> Any:
        """The decoded JSON body of ``GET path``."""
        return self.client.get(path).get_json()

    def post_json(self, path: str, payload: Any) -> Reply:
        """``POST path`` with a JSON body; the raw reply."""
        response = self.client.post(path, json=payload)
        return Reply(response.status_code, response.get_data(), response.headers)


class HttpTransport:
    """A served app at ``base_url`` (e.g. ``http://127.0.0.1:8050``), over ``requests``."""

    def __init__(
        self, base_url: str, session: requests.Session | None = None, timeout: float = 30.0
    ) -> None:
        import requests

        self.base_url = base_url.rstrip("/")
        self.session = session or requests.Session()
        self.timeout = timeout

    def get_json(self, path: str) -> Any:
        """The decoded JSON body of ``GET path``."""
        response = self.session.get(self.base_url + path, timeout=self.timeout)
        response.raise_for_status()
        return response.json()

    def post_json(self, path: str, payload: Any) -> Reply:
        """``POST path`` with a JSON body; the raw reply."""
        response = self.session.post(self.base_url + path, json=payload, timeout=self.timeout)
        return Reply(response.status_code, response.content, response.headers)


def transport_for(target: FlaskClient | str | Transport) -> Transport:
    """A transport for a Flask test client, an HTTP base URL, or a transport itself."""
    if isinstance(target, str):
        return HttpTransport(target)
    if isinstance(target, Transport):
        return target
    return FlaskTransport(target)


def targets(output: str) -> list[tuple[str, str]]:
    """``[(component id, property)]`` of a dependency's output string.

    A callback with several outputs lists them as ``..a.children...b.figure..``; an output that
    allows duplicates carries an ``@hash`` suffix, which is not part of the property.
    """
    parts = output.strip(".").split("...") if output.startswith("..") else [output]
    found = []
    for part in parts:
        component, prop = part.split("@")[0].rsplit(".", 1)
        found.append((component, prop))
    return found


def first_output(dependency: Dependency) -> str:
    """``"id.prop"`` of a dependency's first output (the name a callback is called by)."""
    return ".".join(targets(dependency["output"])[0])


def _items(specs: list[dict[str, Any]], values: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The renderer's list of inputs or state: each spec with its value (None if not given)."""
    return [
        {
            "id": s["id"],
            "property": s["property"],
            "value": values.get(f"{s['id']}.{s['property']}"),
        }
        for s in specs
    ]


def payload(
    dependency: Dependency,
    inputs: Mapping[str, Any],
    state: Mapping[str, Any] | None = None,
    triggered: str | None = None,
) -> dict[str, Any]:
    """The body the Dash renderer posts to fire ``dependency``.

    ``inputs`` and ``state`` map ``"id.prop"`` to values (missing ones are sent as None);
    ``triggered`` is the ``"id.prop"`` that changed (none: the initial call of a page).
    """
    outputs = [{"id": i, "property": p} for i, p in targets(dependency["output"])]
    return {
        "output": dependency["output"],
        "outputs": outputs if len(outputs) > 1 else outputs[0],
        "inputs": _items(dependency["inputs"], inputs),
        "state": _items(dependency.get("state", []), state or {}),
        "changedPropIds": [triggered] if triggered else [],
    }


class CallbackClient:
    """Fires a dashboard's callbacks like the Dash renderer, in process or over HTTP."""

    def __init__(
        self,
        target: FlaskClient | str | Transport,
        dependencies: list[Dependency] | None = None,
    ) -> None:
        self.transport = transport_for(target)
        self._dependencies = dependencies

    @property
    def dependencies(self) -> list[Dependency]:
        """Every callback of the app, as ``/_dash-dependencies`` lists them (read once)."""
        if self._dependencies is None:
            self._dependencies = list(self.transport.get_json(DEPENDENCIES))
        return self._dependencies

    def dependency(self, output: str) -> Dependency:
        """The (first) callback whose first output is ``output`` (``"id.prop"``)."""
        for dep in self.dependencies:
            if first_output(dep) == output:
                return dep
        raise KeyError(f"no callback has the first output {output!r}")

    def post(self, body: Mapping[str, Any]) -> Reply:
        """Post a payload built elsewhere (e.g. for pattern-matching ids) as it is."""
        return self.transport.post_json(UPDATE, body)

    def send(
        self,
        output: str | Dependency,
        inputs: Mapping[str, Any],
        state: Mapping[str, Any] | None = None,
        triggered: str | None = None,
    ) -> Reply:
        """Fire the callback named by its first output (or given as a dependency); the reply."""
        dep = self.dependency(output) if isinstance(output, str) else output
        return self.post(payload(dep, inputs, state, triggered))

    def call(
        self,
        output: str | Dependency,
        inputs: Mapping[str, Any],
        state: Mapping[str, Any] | None = None,
        triggered: str | None = None,
    ) -> dict[str, dict[str, Any]]:
        """Fire a callback; ``{component id: {property: value}}`` (``{}`` on PreventUpdate)."""
        return self.send(output, inputs, state, triggered).outputs()

    __call__ = call
