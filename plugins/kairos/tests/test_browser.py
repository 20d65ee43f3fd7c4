"""The remote page in a real browser: Chromium (the system's) driven by Playwright.

Against a daemon on the scripted model: a tick's tool call appears, a message sent from the
page gets its reply, a pending Edit approved on the page changes the file, and a load
without a login, a reused link and an expired link are refused. Set
``KAIROS_SCREENSHOT_DIR`` to keep screenshots of the page at phone and desktop width.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from corral.testing import MessagesServer, text, tool_use
from corral_kairos.bridge import call
from corral_kairos.daemon import Daemon

from .conftest import bounded, until

pytest.importorskip("playwright.async_api",
                    reason="Playwright for Python is not installed (pip install playwright)")

CHROMIUM = next((found for found in (os.environ.get("CORRAL_CHROMIUM"), shutil.which("chromium"),
                                     shutil.which("chromium-browser")) if found), None)
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no system Chromium (apt-get install chromium, or set CORRAL_CHROMIUM)")

CONFIG = (
    "[features]\nkairos = true\n[api]\nmax_retries = 0\n"
    "[plugins.kairos]\ninterval_s = 600\npoll_s = 0.02\nchange_delay_s = 0.01\n"
    'permission_mode = "default"\nbridge_rate_per_s = 20\nweb_login_ttl_s = 4\n'
    'schedule = [{every = "6h", prompt = "Summarise the open TODOs."}]\n'
)
#: Milliseconds any one browser wait may take.
WAIT_MS = 15_000


async def login_url(daemon: Daemon) -> str:
    reply = await call(daemon.state_dir, {"op": "login"})
    assert reply["ok"], reply
    return str(reply["url"])


async def launch(playwright: Any) -> Any:
    try:
        return await playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            # as root (CI) Chromium's own sandbox cannot start
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
    except Exception as exc:  # a broken install: say so rather than fail
        pytest.skip(f"Chromium at {CHROMIUM} could not be started by Playwright: {exc}")


async def signed_in_page(browser: Any, daemon: Daemon, **context: Any) -> Any:
    page = await (await browser.new_context(**context)).new_page()
    page.set_default_timeout(WAIT_MS)
    await page.goto(await login_url(daemon))
    await page.wait_for_url("**/")
    await page.wait_for_selector("#link.on")
    return page


def test_the_page_in_chromium_shows_ticks_sends_messages_and_answers_permissions(
    anthropic_server: MessagesServer, project: Path
) -> None:
    from playwright.async_api import async_playwright

    (project / ".claude" / "corral.toml").write_text(CONFIG)
    notes = project / "notes.txt"
    notes.write_text("a draft\n")
    anthropic_server.enqueue(
        tool_use("Read", {"file_path": "todo.md"}, id="toolu_tick_read"),
        text("The todo asks for the notes to be final."),
        text("hello from kairos"),
        tool_use("Read", {"file_path": "notes.txt"}, id="toolu_read"),
        tool_use("Edit", {"file_path": "notes.txt", "old_string": "draft", "new_string": "final"},
                 id="toolu_edit"),
        text("The notes are final now."),
    )
    shots = os.environ.get("KAIROS_SCREENSHOT_DIR")

    async def scenario() -> None:
        daemon = Daemon(project)
        task = asyncio.create_task(daemon.run())
        await bounded(daemon.started.wait())
        base = f"http://127.0.0.1:{daemon.bridge.port}"  # type: ignore[union-attr]
        try:
            async with async_playwright() as playwright:
                browser = await launch(playwright)
                try:
                    await browse(browser, daemon, base)
                finally:
                    await browser.close()
        finally:
            daemon.request_stop()
            await bounded(task)

    async def browse(browser: Any, daemon: Daemon, base: str) -> None:
        # no login: refused, and nothing of the page is served
        stranger = await (await browser.new_context()).new_page()
        response = await stranger.goto(base + "/")
        assert response.status == 401
        assert "Not signed in" in await stranger.inner_text("body")
        assert await stranger.query_selector("#turn") is None

        page = await signed_in_page(browser, daemon, viewport={"width": 1280, "height": 900})
        used = page.url  # the link is spent: the page itself is at /
        assert used == base + "/"
        await page.wait_for_selector("#state[data-state=idle]")
        await page.locator("#schedules li", has_text="Summarise the open TODOs.").wait_for()
        await page.locator("#budgets dt", has_text="calls this hour").wait_for()

        # a tick: a watched file changes, the tick's tool call appears, folded, with its result
        (project / "todo.md").write_text("- make the notes final\n")
        tool = page.locator("#turn details.tool[data-tool=Read]")
        await tool.wait_for()
        assert "todo.md" in await tool.locator("summary").inner_text()
        assert await tool.get_attribute("open") is None
        await page.locator("#turn .who b", has_text="tick").wait_for()
        await page.locator("#turn .end", has_text="turn ended: success").wait_for()
        await tool.locator("summary").click()
        await tool.locator("pre.result", has_text="make the notes final").wait_for()
        await page.locator("#log", has_text="tick [").wait_for()

        # a message from the page, and its reply
        await page.fill("#message", "say hello")
        await page.click("#send")
        await page.locator("#turn .text.reply", has_text="hello from kairos").wait_for()
        await page.locator("#turn .who b", has_text="bridge").wait_for()
        assert await page.input_value("#message") == ""

        # a bridge turn asks to Edit: the card comes, is approved, and the file changes
        await page.fill("#message", "make the notes final")
        await page.click("#send")
        card = page.locator(".ask", has_text="Edit")
        await card.wait_for()
        assert "notes.txt" in await card.locator(".what").inner_text()
        waiting = page.locator("#turn details.tool.waiting[data-tool=Edit] .status")
        assert await waiting.inner_text() == "waiting for your answer"
        await page.wait_for_selector("#state[data-state=working]")
        assert notes.read_text() == "a draft\n"
        await phone_view(browser, daemon, page, Path(shots) if shots else None)
        await card.locator("button[data-answer=allow]").click()
        await card.wait_for(state="detached")
        await until(lambda: notes.read_text() == "a final\n", 15)
        await page.locator("#turn .text.reply", has_text="The notes are final now.").wait_for()
        edit = page.locator("#turn details.tool[data-tool=Edit]")
        assert "done" in await edit.locator(".status").inner_text()
        await page.locator("#log", has_text="answered from the web page").wait_for()
        await page.wait_for_selector("#state[data-state=idle]")

        # sleep and wake from the page
        await page.fill("#sleep-min", "5")
        await page.click("#sleep")
        await page.wait_for_selector("#state[data-state=sleeping]")
        assert daemon.runtime.ticker.sleeping
        await page.click("#wake")
        await page.wait_for_selector("#state[data-state=idle]")
        assert not daemon.runtime.ticker.sleeping

        # a used link, and an expired one, are refused
        again = await (await browser.new_context()).new_page()
        spent = await login_url(daemon)
        assert (await again.goto(spent)).status == 200
        await again.wait_for_url(base + "/")  # signed in, on the page
        await again.wait_for_selector("#link.on")
        reused = await again.goto(spent)
        assert reused.status == 403
        old = await login_url(daemon)
        await asyncio.sleep(4.5)
        late = await (await browser.new_context()).new_page()
        response = await late.goto(old)
        assert response.status == 403
        assert "used already, it expired" in await late.inner_text("body")
        late_page = await late.goto(base + "/")
        assert late_page.status == 401

    asyncio.run(scenario())
    assert len(anthropic_server.message_requests) == 6


async def phone_view(browser: Any, daemon: Daemon, desktop: Any, folder: Path | None) -> None:
    """The same moment at phone width (and screenshots of both, when asked for)."""
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
        await desktop.screenshot(path=str(folder / "kairos-desktop-1280.png"), full_page=True)
    phone = await signed_in_page(browser, daemon, viewport={"width": 390, "height": 844},
                                 device_scale_factor=2, is_mobile=True, has_touch=True)
    await phone.locator(".ask", has_text="Edit").wait_for()
    # opened mid-turn: the turn so far is replayed, and the waiting call is marked
    await phone.locator("#turn details.tool.waiting[data-tool=Edit]").wait_for()
    width = await phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width}px wide at a 390px viewport"
    if folder is not None:
        await phone.screenshot(path=str(folder / "kairos-phone-390.png"), full_page=True)
    await phone.context.close()
