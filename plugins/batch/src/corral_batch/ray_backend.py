"""The Ray backend: every task is a Ray task that clones and runs it on whichever node Ray
picks. ``ray.init()`` starts a local instance, or joins the cluster ``RAY_ADDRESS`` names.

Install with ``pip install corral-batch[ray]``; corral and corral-batch must be importable on
every node (the same environment a local instance uses; on a cluster, the nodes' image).
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

import msgspec

from corral_batch.errors import BackendUnavailable
from corral_batch.results import TaskResult
from corral_batch.tasks import Task


def _run_on_worker(task_json: bytes, run_dir: str) -> bytes:
    """The body of each Ray task: run one task where Ray placed it."""
    from corral_batch.runner import run_task

    task = msgspec.json.decode(task_json, type=Task)
    result = asyncio.run(run_task(task, Path(run_dir), "ray"))
    return msgspec.json.encode(result)


def import_ray() -> Any:
    try:
        import ray
    except ImportError as exc:
        raise BackendUnavailable(
            "--backend ray needs Ray: pip install 'corral-batch[ray]'") from exc
    return ray


class RayBackend:
    name = "ray"

    def __init__(self, run_dir: Path, num_cpus: float) -> None:
        self.run_dir = run_dir
        self.num_cpus = num_cpus
        self._ray: Any = None
        self._remote: Any = None
        self._started = False

    async def start(self) -> None:
        ray = import_ray()
        self._ray = ray
        if not ray.is_initialized():
            options: dict[str, Any] = {"log_to_driver": False, "configure_logging": False}
            if not os.environ.get("RAY_ADDRESS"):
                options["include_dashboard"] = False
            await asyncio.to_thread(ray.init, **options)
            self._started = True
        self._remote = ray.remote(_run_on_worker).options(num_cpus=self.num_cpus,
                                                          max_retries=0)

    async def run(self, task: Task) -> TaskResult:
        ref = self._remote.remote(msgspec.json.encode(task), str(self.run_dir))
        try:
            data = await ref
        except asyncio.CancelledError:
            self._ray.cancel(ref, force=True)
            raise
        return msgspec.json.decode(data, type=TaskResult)

    async def close(self) -> None:
        if self._started and self._ray is not None:
            await asyncio.to_thread(self._ray.shutdown)
