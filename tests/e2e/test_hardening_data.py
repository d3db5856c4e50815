"""The HTTP data paths under pressure and misuse: bodies are streamed (the sandbox's memory stays
far below the sizes it moves), files are served in ranges, symbolic links planted in the store or
the logs folder lead nowhere, and what the sandbox writes is for its user alone."""

from __future__ import annotations

import base64
import hashlib
import os
import stat
import threading
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
import requests
from flyteidl.service import dataproxy_pb2

from e2e_support import DOMAIN, FLYTEPROJ, PROJECT, VENV_BIN, run_pyflyte, start_sandbox, unique

T = 60
MIB = 1 << 20
# How much the sandbox's peak resident memory may grow while it moves hundreds of MiB.
RSS_GROWTH_LIMIT = 64 * MIB


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory):
    # Under AddressSanitizer (the ASan suite's binary) freed memory is held in a 256 MiB quarantine
    # to catch use after free, which these tests would measure as growth: without it freed buffers
    # are reused as in the release binary. The release binary ignores the variable.
    saved = os.environ.get("ASAN_OPTIONS")
    os.environ["ASAN_OPTIONS"] = ":".join(filter(None, [saved, "quarantine_size_mb=0", "thread_local_quarantine_size_kb=0"]))
    try:
        sb = start_sandbox(tmp_path_factory.mktemp("hardening"))
    finally:
        if saved is None:
            del os.environ["ASAN_OPTIONS"]
        else:
            os.environ["ASAN_OPTIONS"] = saved
    yield sb
    sb.stop_and_check()


def task_config(base: Path) -> Path:
    """A config whose tasks find pyflyte-execute in the test virtualenv."""
    config = base / "sandbox.yaml"
    config.write_text(f"tasks:\n  path: [{VENV_BIN}]\n")
    return config


def memory_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise AssertionError(f"no {field} in /proc/{pid}/status")


@pytest.fixture(scope="module")
def rss_baseline(sandbox) -> int:
    return memory_kib(sandbox.proc.pid, "VmRSS") * 1024


def assert_peak_memory_bounded(sandbox, baseline: int, moved: int) -> None:
    peak = memory_kib(sandbox.proc.pid, "VmHWM") * 1024
    assert peak - baseline < RSS_GROWTH_LIMIT, (
        f"peak RSS grew by {(peak - baseline) // MIB} MiB while moving {moved // MIB} MiB")


def upload_location(sandbox, data_md5: bytes, filename: str):
    return sandbox.dataproxy().CreateUploadLocation(
        dataproxy_pb2.CreateUploadLocationRequest(
            project=PROJECT, domain=DOMAIN, filename=filename, content_md5=data_md5, add_content_md5_metadata=True),
        timeout=T,
    )


def download_url(sandbox, native_url: str) -> str:
    return sandbox.dataproxy().CreateDownloadLocation(
        dataproxy_pb2.CreateDownloadLocationRequest(native_url=native_url), timeout=T).signed_url


def native_path(native_url: str) -> Path:
    return Path(unquote(urlparse(native_url).path))


def put(loc, data: bytes):
    headers = {"Content-Length": str(len(data)), **dict(loc.headers)}
    return requests.put(loc.signed_url, data=data, headers=headers, timeout=T)


def uploaded(sandbox, data: bytes, name: str):
    loc = upload_location(sandbox, hashlib.md5(data).digest(), unique(name) + ".bin")
    rsp = put(loc, data)
    assert rsp.status_code == 200, rsp.text
    return loc


def write_log(sandbox, name: str, data: bytes) -> str:
    """A task.log planted in the logs folder; returns its /logs/ URL."""
    folder = sandbox.state_dir / "logs" / name / "n0" / "0"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "task.log").write_bytes(data)
    return f"{sandbox.http}/logs/{name}/n0/0"


# --------------------------------------------------------------------------- memory


def test_a_large_upload_streams_to_disk(sandbox, rss_baseline):
    size = 200 * MIB
    data = os.urandom(MIB) * 200
    loc = upload_location(sandbox, hashlib.md5(data).digest(), unique("big") + ".bin")
    rsp = put(loc, data)
    assert rsp.status_code == 200, rsp.text
    path = native_path(loc.native_url)
    assert path.stat().st_size == size
    assert_peak_memory_bounded(sandbox, rss_baseline, size)
    # The stored object streams back whole.
    got = requests.get(download_url(sandbox, loc.native_url), stream=True, timeout=T)
    assert got.status_code == 200
    digest = hashlib.md5()
    for chunk in got.iter_content(MIB):
        digest.update(chunk)
    assert digest.digest() == hashlib.md5(data).digest()
    assert_peak_memory_bounded(sandbox, rss_baseline, 2 * size)


def test_a_wrong_upload_leaves_nothing_behind(sandbox):
    data = os.urandom(3 * MIB)
    loc = upload_location(sandbox, hashlib.md5(data).digest(), unique("wrong") + ".bin")
    other = os.urandom(3 * MIB)
    rsp = requests.put(loc.signed_url, data=other, headers={"Content-MD5": base64.b64encode(hashlib.md5(other).digest())},
                       timeout=T)
    assert rsp.status_code == 400, rsp.text
    folder = native_path(loc.native_url).parent
    assert not folder.exists() or list(folder.iterdir()) == []
    # The connection stays usable: the same URL then takes the right bytes.
    assert put(loc, data).status_code == 200


def test_parallel_log_reads_stream_from_disk(sandbox, rss_baseline):
    size = 96 * MIB
    data = os.urandom(MIB) * 96
    url = write_log(sandbox, unique("biglog"), data)
    results: list = [None] * 4

    def read(i: int) -> None:
        digest = hashlib.md5()
        with requests.get(url, stream=True, timeout=T) as rsp:
            assert rsp.status_code == 200
            for chunk in rsp.iter_content(MIB):
                digest.update(chunk)
        results[i] = digest.digest()

    threads = [threading.Thread(target=read, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [hashlib.md5(data).digest()] * 4
    assert_peak_memory_bounded(sandbox, rss_baseline, 4 * size)


def test_api_bodies_have_their_own_limit(sandbox):
    rsp = requests.post(f"{sandbox.http}/api/v1/projects", data=b"{" + b" " * (65 * MIB) + b"}",
                        headers={"Content-Type": "application/json"}, timeout=T)
    assert rsp.status_code == 413, rsp.text
    assert "max_api_request_mb" in rsp.json()["message"]


# --------------------------------------------------------------------------- ranges


def test_range_requests_on_logs_and_objects(sandbox):
    data = bytes(range(256)) * 40
    log_url = write_log(sandbox, unique("rangelog"), data)
    loc = uploaded(sandbox, data, "range")
    for url in (log_url, download_url(sandbox, loc.native_url)):
        whole = requests.get(url, timeout=T)
        assert whole.status_code == 200 and whole.content == data
        assert whole.headers["Accept-Ranges"] == "bytes"
        part = requests.get(url, headers={"Range": "bytes=10-19"}, timeout=T)
        assert part.status_code == 206, part.text
        assert part.content == data[10:20]
        assert part.headers["Content-Range"] == f"bytes 10-19/{len(data)}"
        tail = requests.get(url, headers={"Range": "bytes=-7"}, timeout=T)
        assert tail.status_code == 206 and tail.content == data[-7:]
        rest = requests.get(url, headers={"Range": f"bytes={len(data) - 3}-"}, timeout=T)
        assert rest.status_code == 206 and rest.content == data[-3:]
        past = requests.get(url, headers={"Range": f"bytes={len(data)}-"}, timeout=T)
        assert past.status_code == 416
        assert past.headers["Content-Range"] == f"bytes */{len(data)}"


# --------------------------------------------------------------------------- symbolic links


def test_a_symlinked_object_is_not_served(sandbox, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("outside the store\n")
    loc = uploaded(sandbox, b"an ordinary object", "victim")
    url = download_url(sandbox, loc.native_url)
    path = native_path(loc.native_url)
    path.unlink()
    path.symlink_to(secret)
    rsp = requests.get(url, timeout=T)
    assert rsp.status_code in (403, 404), rsp.text
    assert "outside the store" not in rsp.text
    # A link to a folder on the way is refused as well.
    folder = path.parent
    moved = tmp_path / "moved"
    folder.rename(moved)
    folder.symlink_to(moved)
    (moved / path.name).unlink()
    (moved / path.name).write_text("outside the store\n")
    rsp = requests.get(url, timeout=T)
    assert rsp.status_code in (403, 404), rsp.text
    assert "outside the store" not in rsp.text


def test_uploads_do_not_write_through_symlinks(sandbox, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    data = b"planted bytes"
    loc = upload_location(sandbox, hashlib.md5(data).digest(), unique("planted") + ".bin")
    path = native_path(loc.native_url)
    path.parent.parent.mkdir(parents=True, exist_ok=True)
    path.parent.symlink_to(outside)  # the upload's folder leads outside
    rsp = put(loc, data)
    assert rsp.status_code in (403, 404), rsp.text
    assert list(outside.iterdir()) == []

    target = tmp_path / "target.txt"
    target.write_text("unchanged\n")
    data = b"other planted bytes"  # another MD5: another folder
    loc = upload_location(sandbox, hashlib.md5(data).digest(), unique("planted") + ".bin")
    path = native_path(loc.native_url)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(target)  # the object itself leads outside
    rsp = put(loc, data)
    assert rsp.status_code in (403, 404), rsp.text
    assert target.read_text() == "unchanged\n"


def test_a_symlinked_log_is_not_served(sandbox, tmp_path):
    secret = tmp_path / "secret.log"
    secret.write_text("outside the logs\n")
    name = unique("linklog")
    folder = sandbox.state_dir / "logs" / name / "n0" / "0"
    folder.mkdir(parents=True)
    (folder / "task.log").symlink_to(secret)
    rsp = requests.get(f"{sandbox.http}/logs/{name}/n0/0", timeout=T)
    assert rsp.status_code in (403, 404), rsp.text
    assert "outside the logs" not in rsp.text
    name = unique("linkfolder")
    (sandbox.state_dir / "logs" / name).symlink_to(tmp_path / "elsewhere")
    (tmp_path / "elsewhere" / "n0" / "0").mkdir(parents=True)
    (tmp_path / "elsewhere" / "n0" / "0" / "task.log").write_text("outside the logs\n")
    rsp = requests.get(f"{sandbox.http}/logs/{name}/n0/0", timeout=T)
    assert rsp.status_code in (403, 404), rsp.text
    assert "outside the logs" not in rsp.text


# --------------------------------------------------------------------------- hard links


def test_a_hard_linked_object_or_log_is_not_served(sandbox, tmp_path):
    # What a task can do in its output or log folder: Landlock lets it link between the places it
    # may write, and fs.protected_hardlinks allows links to its user's own files. The link is that
    # file (a key, or one written later), so the store, which never links, serves no second name.
    secret = tmp_path / "secret.txt"
    secret.write_text("outside the store\n")
    # Bytes of its own: the symbolic link test leaves its object's folder a link.
    loc = uploaded(sandbox, b"an object to be linked", "victim")
    url = download_url(sandbox, loc.native_url)
    path = native_path(loc.native_url)
    assert os.stat(path).st_dev == os.stat(secret).st_dev  # a hard link needs one file system
    path.unlink()
    os.link(secret, path)
    rsp = requests.get(url, timeout=T)
    assert rsp.status_code == 403, rsp.text
    assert "outside the store" not in rsp.text

    name = unique("hardlog")
    folder = sandbox.state_dir / "logs" / name / "n0" / "0"
    folder.mkdir(parents=True)
    os.link(secret, folder / "task.log")
    rsp = requests.get(f"{sandbox.http}/logs/{name}/n0/0", timeout=T)
    assert rsp.status_code == 403, rsp.text
    assert "outside the store" not in rsp.text


# --------------------------------------------------------------------------- file modes


def test_state_is_for_the_user_alone(tmp_path):
    """A sandbox of its own, so nothing the tests above planted is counted."""
    previous = os.umask(0o022)
    try:
        sandbox = start_sandbox(tmp_path, config=task_config(tmp_path))
    finally:
        os.umask(previous)
    try:
        check_state_modes(sandbox)
    finally:
        sandbox.stop_and_check()


def check_state_modes(sandbox):
    res = run_pyflyte(
        sandbox, "--config", sandbox.config_path, "run", "--remote", "--wait", "--poll-interval", "1",
        "--project", PROJECT, "--domain", DOMAIN, "runs/workflows.py", "square", "--x", "3", cwd=FLYTEPROJ,
    )
    assert res.returncode == 0, res.output
    state = sandbox.state_dir
    for name in ("registry.db", "registry.db-wal", "registry.db-shm", "signing.key"):
        assert (state / name).exists(), name
    kinds = {"logs": False, "blobs": False}
    loose = []
    for root, dirs, files in os.walk(state):
        for name in dirs + files:
            path = Path(root) / name
            info = path.lstat()
            if "work" in path.relative_to(state).parts:
                continue  # a task's working folder: its own code chooses modes there (the state folder guards it)
            if info.st_mode & 0o077:
                loose.append(f"{oct(info.st_mode & 0o777)} {path.relative_to(state)}")
            for kind in kinds:
                kinds[kind] |= path.relative_to(state).parts[0] == kind and stat.S_ISREG(info.st_mode)
    if state.stat().st_mode & 0o077:
        loose.append(f"{oct(state.stat().st_mode & 0o777)} <state folder>")
    client_config = sandbox.home / ".flyte" / "config-sandbox.yaml"
    for path in (client_config, client_config.parent):
        if path.stat().st_mode & 0o077:
            loose.append(f"{oct(path.stat().st_mode & 0o777)} {path}")
    assert kinds == {"logs": True, "blobs": True}
    assert loose == [], "readable by others:\n" + "\n".join(loose)
