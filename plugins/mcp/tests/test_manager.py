"""The manager against real servers: transports, resources, list changes, shutdown."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from corral_mcp.config import ServerConfig
from corral_mcp.manager import Manager, ServerState
from corral_mcp.tools import ListMcpResourcesTool, McpTool, ReadMcpResourceTool

from .conftest import SERVER


def _manager(*configs: ServerConfig, cwd: Path) -> Manager:
    return Manager([ServerState(c) for c in configs], cwd=cwd, startup_timeout_s=60,
                   call_timeout_s=60)


def _stdio(name: str = "demo") -> ServerConfig:
    return ServerConfig(name=name, scope="cli", source="test", transport="stdio",
                        command=sys.executable, args=[str(SERVER), "stdio"],
                        env={"DEMO_NAME": name})


def test_sse_transport_with_headers_and_resources(sse_server: str, tmp_path: Path) -> None:
    config = ServerConfig(name="old", scope="cli", source="test", transport="sse",
                          url=sse_server, headers={"X-Test": "1"})

    async def main() -> None:
        manager = _manager(config, cwd=tmp_path)
        manager.start()
        await manager.wait_started(60)
        state = manager.servers["old"]
        assert state.status == "connected", state.error
        add = next(t for t in state.tools if t.name == "add")
        result = await McpTool(state, add, manager, 1000).run(None, {"a": 5, "b": 6})  # type: ignore[arg-type]
        assert result.content == "5 + 6 = 11 (from old)"
        listing = await ListMcpResourcesTool(manager).run(None, ListMcpResourcesTool.input_type())  # type: ignore[arg-type]
        assert '"uri":"note://hello"' in str(listing.content)
        read = await ReadMcpResourceTool(manager, 1000).run(
            None, ReadMcpResourceTool.input_type(server="old", uri="note://hello"))  # type: ignore[arg-type]
        assert "hello from the old notes" in str(read.content)
        await manager.close()

    asyncio.run(main())


def test_results_errors_and_a_tool_list_change(tmp_path: Path) -> None:
    async def main() -> None:
        manager = _manager(_stdio(), cwd=tmp_path)
        manager.start()
        await manager.wait_started(60)
        state = manager.servers["demo"]
        tools = {t.name: McpTool(state, t, manager, 50) for t in state.tools}
        assert tools["add"].is_read_only({}) and not tools["shout"].is_read_only({})
        weather = await tools["weather"].run(None, {"city": "Oslo"})  # type: ignore[arg-type]
        assert '"celsius": 21' in str(weather.content) and not weather.is_error
        pixel = await tools["pixel"].run(None, {})  # type: ignore[arg-type]
        assert isinstance(pixel.content, list) and pixel.content[0]["type"] == "image"
        broken = await tools["broken"].run(None, {"reason": "r"})  # type: ignore[arg-type]
        assert broken.is_error
        big = await tools["big"].run(None, {"chars": 1000})  # type: ignore[arg-type]
        assert "above the limit of 50" in str(big.content)
        generation = manager.generation
        await tools["grow"].run(None, {})  # type: ignore[arg-type]
        for _ in range(200):
            if manager.generation > generation:
                break
            await asyncio.sleep(0.05)
        assert "extra" in [t.name for t in state.tools]
        await manager.close()

    asyncio.run(main())


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie still answers kill(0); reap-able means it has ended
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def test_close_ends_the_server_processes(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    config = ServerConfig(name="sh", scope="cli", source="test", transport="stdio",
                          command=sys.executable,
                          args=["-c", f"import os,runpy,sys; open({str(pid_file)!r},'w').write(str(os.getpid())); "
                                f"sys.argv=[{str(SERVER)!r},'stdio']; runpy.run_path({str(SERVER)!r}, run_name='__main__')"])

    async def main() -> int:
        manager = _manager(config, cwd=tmp_path)
        manager.start()
        await manager.wait_started(60)
        assert manager.servers["sh"].status == "connected", manager.servers["sh"].error
        pid = int(pid_file.read_text())
        assert _alive(pid)
        await manager.close()
        return pid

    pid = asyncio.run(main())
    assert not _alive(pid)


def test_a_server_slower_than_the_startup_timeout_fails_with_a_clear_reason(tmp_path: Path) -> None:
    config = ServerConfig(name="slow", scope="cli", source="test", transport="stdio",
                          command=sys.executable, args=["-c", "import time; time.sleep(30)"])

    async def main() -> None:
        manager = Manager([ServerState(config)], cwd=tmp_path, startup_timeout_s=0.5,
                          call_timeout_s=5)
        manager.start()
        await manager.wait_started(10)
        state = manager.servers["slow"]
        assert state.status == "failed"
        assert "did not start within 0.5 s" in state.error
        await manager.close()

    asyncio.run(main())
