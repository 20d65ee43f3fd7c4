"""``corral kairos attach``: watch the running daemon and talk to it.

The client subscribes to the session's events over the bridge and prints them as they come
(replies stream as text). Every non-empty line typed (or piped) in goes to the daemon as a
``send`` request, so it queues as a ``bridge`` turn, except the commands ``/allow ID``,
``/always ID`` and ``/deny ID`` (answers to the permission requests shown) and
``/interrupt``. At a terminal the input is a
prompt_toolkit prompt whose line stays below the streamed output; otherwise lines are read
from the stream. At the end of the input (Ctrl-D, or the end of a pipe) the client waits
until the turns it queued have ended, then exits; Ctrl-C exits at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import threading
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import msgspec

from corral_kairos.errors import DaemonError

if TYPE_CHECKING:
    from websockets.asyncio.client import ClientConnection

#: What the input side puts in the queue when there is no more input.
_EOF = None
#: Characters of a tool input or an echoed message shown per line.
SHOWN = 200


class Attach:
    """One attached client: prints events to ``out``, sends lines read from ``stdin``."""

    def __init__(self, state_dir: Path, stdin: IO[str], out: IO[str], *,
                 rate_per_s: float = 5.0, interactive: bool | None = None) -> None:
        self.state_dir = state_dir
        self.stdin = stdin
        self.out = out
        self.gap_s = 1.0 / rate_per_s if rate_per_s > 0 else 0.0
        self.interactive = (stdin.isatty() and out.isatty()) if interactive is None else interactive
        #: Texts this client queued whose turns have not ended yet.
        self.pending: list[str] = []
        #: The text of each ``send`` request by its id, until its reply came.
        self.sent: dict[int, str] = {}
        self.ours: str | None = None
        self.input_done = False
        self.streamed = False
        self._ids = 0

    async def run(self) -> int:
        """Attach until the input ends (and our turns finish) or the daemon goes away."""
        from websockets.asyncio.client import connect
        from websockets.exceptions import ConnectionClosed

        from corral_kairos.bridge import client_tls, read_address

        url, token = read_address(self.state_dir)
        try:
            ws = await connect(url, additional_headers={"Authorization": f"Bearer {token}"},
                               proxy=None, open_timeout=10, ssl=client_tls(self.state_dir))
        except (OSError, TimeoutError) as exc:
            raise DaemonError(f"could not reach the kairos bridge at {url}: {exc}") from exc
        lines: asyncio.Queue[str | None] = asyncio.Queue()
        with self._output():
            reader = self._start_input(lines)
            sender = asyncio.create_task(self._send_lines(ws, lines))
            try:
                await ws.send(msgspec.json.encode({"op": "subscribe", "id": "subscribe"}))
                async for message in ws:
                    self._show(msgspec.json.decode(message))
                    if self._finished():
                        break
            except ConnectionClosed:
                pass
            finally:
                for task in (sender, reader):
                    if task is not None:
                        task.cancel()
                        with contextlib.suppress(asyncio.CancelledError, Exception):
                            await task
                await ws.close()
        if ws.close_code not in (None, 1000) and not self._finished():
            self._write(f"\n[the daemon closed the connection: {ws.close_code} "
                        f"{ws.close_reason or ''}]\n".replace(" ]", "]"))
            return 1
        return 0

    def _finished(self) -> bool:
        return self.input_done and not self.pending

    # -- input ----------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _output(self) -> Any:
        if not self.interactive:
            yield
            return
        from prompt_toolkit.patch_stdout import patch_stdout

        with patch_stdout(raw=True):
            self.out = sys.stdout  # the proxy that prints above the prompt
            yield

    def _start_input(self, lines: asyncio.Queue[str | None]) -> asyncio.Task[None] | None:
        if self.interactive:
            return asyncio.create_task(self._prompt(lines))
        loop = asyncio.get_running_loop()

        def put(item: str | None) -> None:
            with contextlib.suppress(RuntimeError):  # the loop closed: nobody is listening
                loop.call_soon_threadsafe(lines.put_nowait, item)

        def read() -> None:
            for line in iter(self.stdin.readline, ""):
                put(line)
            put(_EOF)

        # a daemon thread: a blocked readline must not keep the process alive at exit
        threading.Thread(target=read, name="kairos-attach-input", daemon=True).start()
        return None

    async def _prompt(self, lines: asyncio.Queue[str | None]) -> None:
        from prompt_toolkit import PromptSession

        session: PromptSession[str] = PromptSession()
        while True:
            try:
                line = await session.prompt_async("kairos› ")
            except EOFError:
                await lines.put(_EOF)
                return
            await lines.put(line)

    async def _send_lines(self, ws: ClientConnection, lines: asyncio.Queue[str | None]) -> None:
        while (line := await lines.get()) is not _EOF:
            text = line.strip()
            if not text:
                continue
            self._ids += 1
            command = _command(text)
            if command is not None:
                await ws.send(msgspec.json.encode({**command, "id": self._ids}))
                await asyncio.sleep(self.gap_s)
                continue
            self.pending.append(text)
            self.sent[self._ids] = text
            await ws.send(msgspec.json.encode({"op": "send", "text": text, "id": self._ids}))
            await asyncio.sleep(self.gap_s)  # stay under the bridge's rate limit
        self.input_done = True
        if self._finished():
            await ws.close()

    # -- output ---------------------------------------------------------------------------------

    def _write(self, text: str) -> None:
        self.out.write(text)
        self.out.flush()

    def _show(self, data: Any) -> None:
        if not isinstance(data, dict):
            return
        event = data.get("event")
        if isinstance(event, dict):
            self._show_event(event)
            return
        text = self.sent.pop(data["id"], None) if isinstance(data.get("id"), int) else None
        if data.get("ok") is False:
            self._write(f"\n[refused: {data.get('error')}]\n")
            self._forget(text)  # that send never queued
        elif "queued" in data:
            self._write(f"[queued #{data['queued']}]\n")
        elif "answered" in data:
            self._write(f"[answered {data['answered']}]\n")
        elif "interrupted" in data:
            self._write("[interrupted]\n" if data["interrupted"] else "[no turn to interrupt]\n")
        elif isinstance(data.get("permission_request"), dict):
            ask = data["permission_request"]
            shown = msgspec.json.encode(ask.get("input", {})).decode()[:SHOWN]
            self._write(f"\n[permission {ask.get('id')}] {ask.get('tool')} {shown}\n"
                        f"  {ask.get('reason')} ({ask.get('origin')} turn); answer with "
                        f"/allow {ask.get('id')}, /always {ask.get('id')} or /deny {ask.get('id')}"
                        f" within {ask.get('expires_at', 0) - ask.get('asked_at', 0):.0f}s\n")
        elif isinstance(data.get("permission_resolved"), dict):
            done = data["permission_resolved"]
            self._write(f"[permission {done.get('id')}: {done.get('answer')}]\n")

    def _forget(self, text: str | None) -> None:
        if text is not None:
            with contextlib.suppress(ValueError):
                self.pending.remove(text)

    def _show_event(self, event: dict[str, Any]) -> None:
        kind = event.get("type")
        if kind == "user_message":
            text = str(event.get("text", ""))
            if event.get("origin") == "bridge" and text in self.pending:
                self.ours = text
            self.streamed = False
            self._write(f"\n[{event.get('origin')}] {text[:SHOWN]}\n")
        elif kind == "text_delta":
            self.streamed = True
            self._write(str(event.get("text", "")))
        elif kind == "assistant_message":
            if not self.streamed:
                self._write("".join(str(b.get("text", "")) for b in event.get("content", [])
                                    if isinstance(b, dict) and b.get("type") == "text"))
            self.streamed = False
            self._write("\n")
        elif kind == "tool_requested":
            shown = msgspec.json.encode(event.get("input", {})).decode()[:SHOWN]
            self._write(f"[tool] {event.get('name')} {shown}\n")
        elif kind == "turn_end":
            self._write(f"[turn ended: {event.get('reason')}]\n")
            self._forget(self.ours)
            self.ours = None
        elif kind in ("error", "notice"):
            self._write(f"[{kind}] {event.get('error') or event.get('text') or ''}\n")
            data = event.get("data")
            if isinstance(data, dict) and data.get("origin") == "bridge":
                self._forget(data.get("input"))  # the daemon dropped it or its turn failed


def _command(line: str) -> dict[str, str] | None:
    """``/allow ID``, ``/always ID``, ``/deny ID`` or ``/interrupt``, as a bridge request."""
    word, _, rest = line.partition(" ")
    if word in ("/allow", "/always", "/deny") and rest.strip():
        return {"op": "answer", "request": rest.strip(), "answer": word[1:]}
    if word == "/interrupt" and not rest.strip():
        return {"op": "interrupt"}
    return None
