"""The model a worker serves, swapped for a newly activated version without a restart.

A swap replaces one reference after the new model is fully loaded and verified, so a request in flight
keeps the model it started with and no request ever sees a half-loaded one. A file that fails its check
is refused and the old model keeps serving.
"""
from __future__ import annotations

import asyncio
import ctypes
import gc
import logging
from pathlib import Path

from model import artifact
from model.errors import ModelFileError

log = logging.getLogger("review_reply.model")


def limit_malloc_arenas(arenas: int = 2) -> None:
    """glibc gives each thread that allocates its own 64 MB arena; the batch route's thread pool then grows
    a worker by tens of MB it never gives back. Two arenas are plenty for one event loop plus a pool."""
    try:
        ctypes.CDLL("libc.so.6").mallopt(-8, arenas)  # -8 is M_ARENA_MAX
    except (OSError, AttributeError):
        pass


def _return_freed_memory() -> None:
    """Loading leaves tens of MB of freed buffers in glibc's heap; hand them back so each worker stays small."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to trim
        pass


class ModelHolder:
    def __init__(self, model_dir: Path):
        self.model_dir = Path(model_dir)
        self.current: artifact.LoadedModel | None = None
        self.last_error: str | None = None
        self._refused: tuple | None = None  # (version, file times) that failed its check: not retried until it changes
        self._lock = asyncio.Lock()

    def load_active(self) -> artifact.LoadedModel:
        return self._install(artifact.load(directory=self.model_dir))

    def _install(self, loaded: artifact.LoadedModel) -> artifact.LoadedModel:
        """Warm the new model (jieba, scorer) before it takes requests, then swap the one reference."""
        loaded.classifier.predict(["预热一下分词和特征"])
        self.current = loaded
        _return_freed_memory()
        return loaded

    def _identity(self, version: str) -> tuple:
        """A version together with its files' change times: files copied in later make it worth a new try."""
        times = []
        for path in (artifact.manifest_path(version, self.model_dir), artifact.model_path(version, self.model_dir)):
            try:
                times.append(path.stat().st_mtime_ns)
            except OSError:
                times.append(None)
        return (version, *times)

    def _load_if_changed(self, force: bool = False) -> str | None:
        """Load the active version if it differs from ours; returns the new version or None."""
        version = artifact.active_version(self.model_dir)
        if self.current is not None and version == self.current.version:
            return None
        identity = self._identity(version)
        if identity == self._refused and not force:
            return None
        try:
            loaded = artifact.load(version, self.model_dir)
        except Exception:
            self._refused = identity
            raise
        return self._install(loaded).version

    async def reload(self, *, force: bool = False) -> dict:
        """Check ACTIVE now (in a thread: loading takes a second of CPU). Never raises: whatever goes wrong
        (a damaged file, an unreadable ACTIVE, a half-copied folder) is logged and the old model keeps serving.
        `force` retries a version that was refused before even if its files look unchanged."""
        async with self._lock:
            previous = self.current.version if self.current else None
            try:
                version = await asyncio.to_thread(self._load_if_changed, force)
            except Exception as exc:  # noqa: BLE001 - the watch loop must survive anything
                message = str(exc) if isinstance(exc, ModelFileError) else f"{type(exc).__name__}: {exc}"
                self.last_error = message
                log.error("model reload refused, still serving %s: %s", previous, message)
                return {"reloaded": False, "model_version": previous, "error": message}
            self.last_error = None
            if version:
                log.info("model reloaded: %s -> %s", previous, version)
            return {"reloaded": bool(version), "model_version": self.current.version if self.current else None,
                    "previous_version": previous}

    async def watch(self, interval: float) -> None:
        while True:
            await asyncio.sleep(interval)
            await self.reload()
