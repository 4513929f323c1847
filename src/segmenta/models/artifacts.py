"""Store fitted pipelines safely: skops format, loaded only with an explicit trusted-types list.

skops refuses to build any type that is neither on its own safe list (numpy, scipy and
scikit-learn estimators, builtin containers) nor on the caller's list. Ours is
:data:`TRUSTED_TYPES`; an artifact that needs anything else (a function, a class from
elsewhere, anything a tampered payload could smuggle in) is rejected before loading.
Each artifact carries the library versions it was trained with; a different scikit-learn
minor version is refused too, since scikit-learn does not promise to load across versions.
"""

from __future__ import annotations

import platform
import zipfile
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import skops.io as sio

ARTIFACT_FORMAT = "skops"
#: the types our artifacts need beyond skops' default safe list (checked by the tests)
TRUSTED_TYPES: tuple[str, ...] = ("numpy.dtype",)
LIBRARIES = ("segmenta", "scikit-learn", "numpy", "scipy", "skops", "polars", "duckdb")


class UnsafeArtifactError(RuntimeError):
    """A stored model is not in the safe format or needs a type outside the trusted list."""


class ArtifactVersionError(RuntimeError):
    """A stored model was trained with another scikit-learn version; re-run `segmenta model`."""


def library_versions() -> dict[str, str]:
    """Versions of Python and the libraries a model depends on."""
    found = {"python": platform.python_version()}
    for name in LIBRARIES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:  # pragma: no cover - every one is a dependency
            found[name] = "missing"
    return found


def _minor(text: str) -> str:
    return ".".join(text.split(".")[:2])


def dump_artifact(content: dict[str, Any]) -> bytes:
    """Serialise ``content`` (plus the library versions) with skops; refuse to write anything
    that :func:`load_artifact` would refuse to read."""
    payload = sio.dumps(
        {**content, "library_versions": library_versions()}, compression=zipfile.ZIP_DEFLATED
    )
    _check_types(payload)
    return payload


def _check_types(payload: bytes) -> None:
    try:
        untrusted = sio.get_untrusted_types(data=payload)
    except Exception as exc:  # not a skops zip at all
        raise UnsafeArtifactError(f"stored model is not a readable skops file ({exc})") from exc
    unexpected = sorted(set(untrusted) - set(TRUSTED_TYPES))
    if unexpected:
        raise UnsafeArtifactError(
            "refusing to load the stored model: it needs types outside the trusted list: "
            + ", ".join(unexpected)
        )


def load_artifact(payload: bytes, fmt: str = ARTIFACT_FORMAT) -> dict[str, Any]:
    """Load a stored model, trusting only :data:`TRUSTED_TYPES` beyond skops' safe list."""
    if fmt != ARTIFACT_FORMAT:
        raise UnsafeArtifactError(
            f"refusing to load a stored model in format {fmt!r}; expected 'skops'"
        )
    _check_types(payload)
    content = sio.loads(payload, trusted=list(TRUSTED_TYPES))
    if not isinstance(content, dict):
        raise UnsafeArtifactError("stored model is not a segmenta artifact (expected a mapping)")
    trained = content.get("library_versions", {}).get("scikit-learn", "unknown")
    running = version("scikit-learn")
    if _minor(trained) != _minor(running):
        raise ArtifactVersionError(
            f"the stored model was trained with scikit-learn {trained} and this is {running}; "
            "run `segmenta model` again to refit it"
        )
    return content
