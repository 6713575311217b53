"""The sandbox as a whole: the real bot behind its signed HTTP endpoint, the page server, the timer."""

from __future__ import annotations

import http.client
import io
import json
import logging
import socket
import struct
import threading
import time
import urllib.request
import zlib
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from slack_sdk import WebClient

import storage
from bot.settings import Settings
from sandbox import Sandbox, run_sandbox
from sandbox.people import ADMIN, ADMIN_CHANNEL_ID, PEOPLE

RESPONDENT = PEOPLE[0]


def request(
    sandbox: Sandbox, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    """A raw request, so that tests can send the Host and Origin headers a hostile page would."""
    url = urlsplit(sandbox.url)
    connection = http.client.HTTPConnection(url.hostname or "", url.port, timeout=10)
    connection.request(method, path, body=body, headers=headers or {})
    response = connection.getresponse()
    answer = response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    connection.close()
    return answer


def post(sandbox: Sandbox, path: str, body: dict[str, Any]) -> dict[str, Any]:
    status, _, data = request(
        sandbox, "POST", path, json.dumps(body).encode(), {"Content-Type": "application/json"}
    )
    assert status == 200, data
    return json.loads(data)


def state(sandbox: Sandbox, user: str = RESPONDENT.id, etag: str = "") -> dict[str, Any]:
    with urllib.request.urlopen(f"{sandbox.url}api/state?user={user}&etag={etag}") as response:
        return json.load(response)


def wait_for(condition: Callable[[], Any], timeout: float = 10.0) -> Any:
    deadline = time.monotonic() + timeout
    while not (found := condition()):
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)
    return found


def test_the_page_is_served_self_contained_under_a_strict_policy(sandbox: Sandbox) -> None:
    status, headers, body = request(sandbox, "GET", "/", headers={"Host": urlsplit(sandbox.url).netloc})
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in headers["content-security-policy"]
    page = body.decode()
    assert '<html lang="ja">' in page
    assert "http" not in page  # nothing is loaded from elsewhere
    for asset in ("/static/app.js", "/static/style.css"):
        status, _, content = request(sandbox, "GET", asset, headers={"Host": urlsplit(sandbox.url).netloc})
        assert status == 200 and b"//cdn" not in content and b"@import" not in content
    assert urlsplit(sandbox.url).hostname == "127.0.0.1"


def test_requests_for_another_host_or_from_another_site_are_refused(sandbox: Sandbox) -> None:
    command = json.dumps({"user": RESPONDENT.id, "type": "command", "text": "/survey"}).encode()
    own = urlsplit(sandbox.url).netloc
    assert request(sandbox, "GET", "/", headers={"Host": "evil.example"})[0] == 421  # DNS rebinding
    evil_origin = {"Host": own, "Origin": "http://evil.example", "Content-Type": "application/json"}
    assert request(sandbox, "POST", "/api/interact", command, evil_origin)[0] == 403
    as_form = {"Host": own, "Content-Type": "text/plain"}  # what a cross-site form can send
    assert request(sandbox, "POST", "/api/interact", command, as_form)[0] == 415
    assert sandbox.fake.messages(RESPONDENT.id) == []


def test_the_real_bot_answers_what_a_person_does_in_the_page(sandbox: Sandbox) -> None:
    assert post(sandbox, "/api/interact", {"user": RESPONDENT.id, "type": "command", "text": "/survey"})["ok"]
    dm = wait_for(lambda: [m for m in state(sandbox)["dm"]["messages"] if m["text"] == "所属"])
    question = dm[-1]
    block = next(b for b in question["blocks"] if b["block_id"].endswith("|org|input"))
    element = block["elements"][0]
    container = {"type": "message", "channel": question["channel"], "ts": question["ts"]}
    found = post(
        sandbox,
        "/api/interact",
        {
            "user": RESPONDENT.id,
            "type": "block_suggestion",
            "container": container,
            "block_id": block["block_id"],
            "action_id": element["action_id"],
            "value": "法務",
        },
    )
    assert [o["value"] for o in found["options"]] == ["010020"]  # the sample departments were loaded
    chosen = {
        "user": RESPONDENT.id,
        "type": "block_actions",
        "container": container,
        "block_id": block["block_id"],
        "action_id": element["action_id"],
        "value": found["options"][0],
    }
    assert post(sandbox, "/api/interact", chosen)["ok"]
    wait_for(lambda: any(m["text"] == "氏名" for m in state(sandbox)["dm"]["messages"]))
    # In the bot's DM the command's answer is the question itself, and no one else sees it.
    assert not any(m["ephemeral"] for m in state(sandbox)["dm"]["messages"])
    assert state(sandbox, PEOPLE[1].id)["dm"]["messages"] == []
    # Elsewhere the command's reply says where the answer goes, shown to that person only.
    help_in_channel = {
        "user": ADMIN.id,
        "type": "command",
        "text": "/survey ヘルプ",
        "channel": ADMIN_CHANNEL_ID,
    }
    assert post(sandbox, "/api/interact", help_in_channel)["ok"]
    in_channel = wait_for(
        lambda: [m for m in state(sandbox, ADMIN.id)["admin"]["messages"] if m["ephemeral"]]
    )
    assert "ダイレクトメッセージ" in in_channel[-1]["text"]
    assert not any(m["ephemeral"] for m in state(sandbox)["admin"]["messages"])


def test_unchanged_state_is_not_sent_again(sandbox: Sandbox) -> None:
    first = state(sandbox)
    assert first["user"] == RESPONDENT.id and first["admin"]["channel"] == ADMIN_CHANNEL_ID
    assert first["admin"]["member"] is False and state(sandbox, ADMIN.id)["admin"]["member"] is True
    assert state(sandbox, etag=first["etag"]) == {"etag": first["etag"], "same": True}
    status, _, _ = request(
        sandbox, "GET", "/api/state?user=U0NOBODY1", headers={"Host": urlsplit(sandbox.url).netloc}
    )
    assert status == 404


def test_the_bot_is_configured_like_production_but_pointed_at_the_fake(sandbox: Sandbox) -> None:
    settings = sandbox.kikitori.settings
    assert settings.slack_api_url == sandbox.fake.base_url
    assert settings.slack_signing_secret and settings.slack_bot_token == sandbox.fake.token
    assert settings.admin_channel_id == ADMIN_CHANNEL_ID and settings.admin_user_ids == {ADMIN.id}
    assert storage.search_departments(sandbox.kikitori.engine, "法務")


def test_advancing_the_clock_runs_the_due_work(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    runs: list[datetime] = []
    monkeypatch.setattr(sandbox.kikitori, "run_due_work", lambda: runs.append(sandbox.clock()))
    before = sandbox.clock()
    answer = post(sandbox, "/api/clock", {"user": RESPONDENT.id, "step": "day"})
    assert answer["ok"] and "+1日" in answer["clock"]["offset"]
    assert runs and runs[0] >= before + timedelta(days=1)
    assert not post(sandbox, "/api/clock", {"user": RESPONDENT.id, "step": "backwards"})["ok"]
    assert post(sandbox, "/api/clock", {"user": RESPONDENT.id, "step": "next_business_morning"})["ok"]
    morning = sandbox.clock().astimezone(sandbox.settings.timezone)
    assert (morning.hour, morning.minute, morning.weekday() < 5) == (9, 0, True)


def test_the_timer_runs_the_due_work(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    ran = threading.Event()
    monkeypatch.setattr(sandbox.kikitori, "run_due_work", ran.set)
    assert ran.wait(5)  # every 0.5 s here, every 2 s in the sandbox


def test_nothing_people_type_reaches_the_logs(sandbox: Sandbox, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    secret = "秘密の回答テキスト"
    post(sandbox, "/api/interact", {"user": RESPONDENT.id, "type": "message", "text": secret})
    post(sandbox, "/api/interact", {"user": RESPONDENT.id, "type": "command", "text": f"/survey {secret}"})
    wait_for(lambda: len(state(sandbox)["dm"]["messages"]) >= 3)
    assert secret not in caplog.text
    signing_secret = sandbox.kikitori.settings.slack_signing_secret
    assert signing_secret is not None and signing_secret not in caplog.text
    assert sandbox.fake.token not in caplog.text


def png(width: int, height: int) -> bytes:
    """A valid PNG of white pixels, small enough to write by hand."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\xff" * 3 * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def upload(sandbox: Sandbox, filename: str, content: bytes, comment: str | None = None) -> str:
    """What the bot does with files_upload_v2: a file into the administrator's DM; its id."""
    client = WebClient(token=sandbox.fake.token, base_url=sandbox.fake.base_url)
    answer = client.files_upload_v2(
        channel=ADMIN.id, filename=filename, content=content, title=filename, initial_comment=comment
    )
    return str(answer["file"]["id"])


def get(sandbox: Sandbox, path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    return request(sandbox, "GET", path, headers={"Host": urlsplit(sandbox.url).netloc, **headers})


def test_a_messages_files_are_shown_as_slack_shows_them(sandbox: Sandbox) -> None:
    chart = png(40, 30)
    chart_id = upload(sandbox, "item1.png", chart)
    book_id = upload(sandbox, "回答一覧.xlsx", b"PK\x03\x04" + bytes(2044), "回答のエクスポートです。")
    messages = state(sandbox, ADMIN.id)["dm"]["messages"]
    [image] = [f for m in messages for f in m["files"] if f["id"] == chart_id]
    assert image | {"size": None} == {
        "id": chart_id,
        "name": "item1.png",
        "title": "item1.png",
        "filetype": "png",
        "image": True,
        "width": 40,
        "height": 30,
        "alt": "item1.png",
        "kind": "PNG 画像",
        "size": None,
        "url": f"/files/{chart_id}",
        "download_url": f"/files/{chart_id}?download=1",
    }
    [shared] = [m for m in messages if m["files"] and m["files"][0]["id"] == book_id]
    assert shared["text"] == "回答のエクスポートです。"  # the upload's initial_comment
    [book] = shared["files"]
    assert (book["image"], book["width"], book["kind"], book["size"]) == (
        False,
        None,
        "Excel スプレッドシート",
        "2 KB",
    )
    assert state(sandbox)["dm"]["messages"] == []  # the respondent's DM has none of it


def test_shared_files_are_served_to_the_page_as_the_fake_holds_them(sandbox: Sandbox) -> None:
    chart = png(3, 2)
    chart_id = upload(sandbox, "item1.png", chart)
    book = b"PK\x03\x04 a workbook"
    book_id = upload(sandbox, '回答 一覧".xlsx', book)
    script_id = upload(sandbox, "page.html", b"<script>alert(1)</script>")

    status, headers, body = get(sandbox, f"/files/{chart_id}")
    assert (status, headers["content-type"], body) == (200, "image/png", chart)
    assert headers["content-disposition"].startswith("inline;")  # shown in place, and full size in a tab
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["cross-origin-resource-policy"] == "same-origin"  # no other site may embed it
    assert get(sandbox, f"/files/{chart_id}?download=1")[1]["content-disposition"].startswith("attachment;")

    status, headers, body = get(sandbox, f"/files/{book_id}", **{"Sec-Fetch-Site": "same-origin"})
    assert (status, body) == (200, book)
    assert headers["content-type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    # The name survives whatever it holds (RFC 5987), and a quote cannot break the header.
    assert headers["content-disposition"] == (
        'attachment; filename="__ ___.xlsx"; '
        "filename*=UTF-8''%E5%9B%9E%E7%AD%94%20%E4%B8%80%E8%A6%A7%22.xlsx"
    )
    # Anything but a raster image comes as a download: nothing uploaded runs as a page of this origin.
    status, headers, _ = get(sandbox, f"/files/{script_id}")
    assert status == 200 and headers["content-disposition"].startswith("attachment;")


def test_only_the_fakes_shared_files_and_only_to_the_page_itself(sandbox: Sandbox) -> None:
    chart_id = upload(sandbox, "item1.png", png(2, 2))
    client = WebClient(token=sandbox.fake.token, base_url=sandbox.fake.base_url)
    unshared = client.files_getUploadURLExternal(filename="draft.png", length=4)["file_id"]
    urllib.request.urlopen(
        urllib.request.Request(f"{sandbox.fake.root_url}upload/{unshared}", data=b"\x89PNG")
    ).close()
    assert sandbox.fake.uploads[unshared]["uploaded"]  # uploaded, but never in a message
    for missing in (f"/files/{unshared}", "/files/F99999999", "/files/../_fake/state", "/files/"):
        assert get(sandbox, missing)[0] == 404, missing
    assert request(sandbox, "GET", f"/files/{chart_id}", headers={"Host": "evil.example"})[0] == 421
    for elsewhere in ("cross-site", "same-site"):  # another site, or another port of this host
        assert get(sandbox, f"/files/{chart_id}", **{"Sec-Fetch-Site": elsewhere})[0] == 403
    assert get(sandbox, f"/files/{chart_id}", **{"Sec-Fetch-Site": "none"})[0] == 200  # typed in


def test_run_sandbox_prints_the_url_and_stops(tmp_path: Path) -> None:
    out = io.StringIO()
    stop = threading.Event()
    settings = Settings(database_url=f"sqlite:///{tmp_path}/run.db", port=_free_port())
    result: list[int] = []
    runner = threading.Thread(
        target=lambda: result.append(run_sandbox(settings, open_browser=False, stop=stop, out=out))
    )
    runner.start()
    try:
        url = f"http://127.0.0.1:{settings.port}/"
        wait_for(lambda: url in out.getvalue())
        with urllib.request.urlopen(url) as page:
            assert "Kikitori" in page.read().decode()
    finally:
        stop.set()
        runner.join(10)
    assert result == [0]
    assert "Kikitori サンドボックス: " + url in out.getvalue()
    assert "sqlite:///" in out.getvalue() and "終了" in out.getvalue()


def test_run_sandbox_says_when_the_port_is_taken(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        settings = Settings(database_url=f"sqlite:///{tmp_path}/run.db", port=taken.getsockname()[1])
        assert run_sandbox(settings, open_browser=False, stop=threading.Event()) == 1
    assert "使用中" in capsys.readouterr().err


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
