"""Connection hardening against clients that misbehave: malformed or hostile HTTP requests, idle
and half-sent connections, running out of file descriptors, and HTTP/2 abuse of the gRPC half.

Raw sockets and the `h2` package play the bad clients; grpcio and HTTP requests check that real
clients are still served. Figures come from /proc/<pid> (CPU time, VmRSS, thread count).
"""

from __future__ import annotations

import contextlib
import http.client
import os
import resource
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import grpc
import h2.config
import h2.connection
import h2.events
import hpack
import pytest
from e2e_support import (
    RPC_TIMEOUT_S,
    Sandbox,
    clean_env,
    free_port,
    healthz_status,
    make_task_template,
    sandbox_command,
    task_id,
    unique,
)
from flyteidl.admin import common_pb2, task_pb2, version_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc

# The stated ceiling of the sandbox's resident memory while a client abuses gRPC (README.md,
# src/server/README.md): the idle sandbox takes well under 100 MB.
MEMORY_CEILING_BYTES = 2 << 30
# The stated ceiling while one client floods gRPC with rapid resets for as long as it likes
# (README.md, "What it withstands").
FLOOD_CEILING_BYTES = 512 << 20
THREAD_CEILING = 600  # gRPC's quota of 512 threads plus the sandbox's own


# --------------------------------------------------------------------------- helpers


def proc_status(pid: int, field: str) -> int:
    """A numeric field of /proc/<pid>/status (VmRSS in bytes, Threads as a count)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            parts = line.split()
            return int(parts[1]) * (1024 if parts[-1] == "kB" else 1)
    raise AssertionError(f"no {field} in /proc/{pid}/status")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def socket_fds(pid: int) -> int:
    count = 0
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(OSError):
            count += os.readlink(fd).startswith("socket:")
    return count


def connect(sb: Sandbox) -> socket.socket:
    return socket.create_connection(("127.0.0.1", sb.port), timeout=10)


def read_until_closed(sock: socket.socket, timeout: float = 10) -> bytes:
    """Everything the server sends until it closes the connection (or `timeout` passes)."""
    sock.settimeout(timeout)
    data = b""
    with contextlib.suppress(socket.timeout, ConnectionResetError):
        while chunk := sock.recv(65536):
            data += chunk
    return data


def closed_by_server(sock: socket.socket, within: float) -> bool:
    sock.settimeout(within)
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False


def grpc_health(sb: Sandbox) -> int:
    """Health/Check through a fresh grpcio channel (a real client's new connection)."""
    with grpc.insecure_channel(sb.endpoint) as channel:
        reply = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=RPC_TIMEOUT_S)
        return reply.status


def grpc_message(message) -> bytes:
    body = message.SerializeToString()
    return b"\x00" + len(body).to_bytes(4, "big") + body


def h2_connection() -> h2.connection.H2Connection:
    conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True, header_encoding="utf-8"))
    conn.initiate_connection()
    return conn


def grpc_headers(sb: Sandbox, path: str) -> list:
    return [
        (":method", "POST"), (":scheme", "http"), (":path", path), (":authority", sb.endpoint),
        ("content-type", "application/grpc"), ("te", "trailers"),
    ]


def h2_unary(sb: Sandbox, sock: socket.socket, conn: h2.connection.H2Connection, path: str, request: bytes):
    """One gRPC call over an HTTP/2 connection made by hand: (grpc-status, reply message bytes)."""
    stream = conn.get_next_available_stream_id()
    conn.send_headers(stream, grpc_headers(sb, path))
    conn.send_data(stream, request, end_stream=True)
    sock.sendall(conn.data_to_send())
    data, trailers = b"", {}
    sock.settimeout(RPC_TIMEOUT_S)
    while True:
        chunk = sock.recv(65536)
        assert chunk, "the server closed the HTTP/2 connection"
        for event in conn.receive_data(chunk):
            if isinstance(event, h2.events.DataReceived) and event.stream_id == stream:
                data += event.data
                conn.acknowledge_received_data(event.flow_controlled_length, stream)
            elif isinstance(event, h2.events.TrailersReceived) and event.stream_id == stream:
                trailers = dict(event.headers)
            elif isinstance(event, h2.events.StreamEnded) and event.stream_id == stream:
                return trailers.get("grpc-status"), data[5:]
        sock.sendall(conn.data_to_send())


class Watch:
    """Samples a process's resident memory and thread count in the background."""

    def __init__(self, pid: int):
        self.pid = pid
        self.max_rss = proc_status(pid, "VmRSS")
        self.max_threads = proc_status(pid, "Threads")
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.wait(0.05):
            with contextlib.suppress(OSError, AssertionError):
                self.max_rss = max(self.max_rss, proc_status(self.pid, "VmRSS"))
                self.max_threads = max(self.max_threads, proc_status(self.pid, "Threads"))

    def over(self, ceiling: int = MEMORY_CEILING_BYTES) -> bool:
        return self.max_rss > ceiling

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


@contextlib.contextmanager
def own_file_limit(at_least: int):
    """Raises this test process's open-file limit for the idle sockets it opens."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(at_least, hard)), hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def h2_frame(kind: int, flags: int, stream: int, payload: bytes) -> bytes:
    return len(payload).to_bytes(3, "big") + bytes([kind, flags]) + stream.to_bytes(4, "big") + payload


def goaway_codes(server_bytes: bytes) -> list[int]:
    """The error codes of the GOAWAY frames among the frames a server sent."""
    codes, at = [], 0
    while at + 9 <= len(server_bytes):
        length = int.from_bytes(server_bytes[at:at + 3], "big")
        if server_bytes[at + 3] == 0x7 and at + 17 <= len(server_bytes):
            codes.append(int.from_bytes(server_bytes[at + 13:at + 17], "big"))
        at += 9 + length
    return codes


ENHANCE_YOUR_CALM = 0xB


class Reader:
    """Reads everything the server sends on a socket, in the background, until it closes it."""

    def __init__(self, sock: socket.socket, timeout: float):
        self.data = b""
        self._thread = threading.Thread(target=self._run, args=(sock, timeout), daemon=True)
        self._thread.start()

    def _run(self, sock, timeout):
        self.data = read_until_closed(sock, timeout)

    def join(self):
        self._thread.join()


def blast_calls(sb: Sandbox, watch: Watch, seconds: float, reset: bool, max_calls: int | None = None):
    """Sends GetVersion calls on new streams as fast as one socket takes them, ignoring the
    server's limits and replies (frames made by hand: h2 would keep to the limits), each
    cancelled at once when `reset`, for `seconds` or `max_calls`, or until the server closes the
    connection. Returns how many were sent and what the server sent back."""
    headers = hpack.Encoder().encode(grpc_headers(sb, "/flyteidl.service.AdminService/GetVersion"))
    message = grpc_message(version_pb2.GetVersionRequest())
    cancel = (8).to_bytes(4, "big")
    sent, stream = 0, 1
    with connect(sb) as sock:
        sock.sendall(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + h2_frame(0x4, 0, 0, b""))
        reader = Reader(sock, seconds + 5)
        deadline = time.monotonic() + seconds
        with contextlib.suppress(BrokenPipeError, ConnectionResetError, socket.timeout):
            # The server may end an abusive connection: that is a fine answer too.
            while time.monotonic() < deadline and (max_calls is None or sent < max_calls) and not watch.over():
                batch = []
                for _ in range(500):
                    batch.append(h2_frame(0x1, 0x4, stream, headers))  # HEADERS, END_HEADERS
                    batch.append(h2_frame(0x0, 0x1, stream, message))  # DATA, END_STREAM
                    if reset:
                        batch.append(h2_frame(0x3, 0, stream, cancel))  # RST_STREAM CANCEL
                    stream += 2
                sock.sendall(b"".join(batch))
                sent += 500
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
        reader.join()
    return sent, reader.data


def idle_sockets(sb: Sandbox, count: int) -> list:
    socks = []
    for _ in range(count):
        socks.append(socket.create_connection(("127.0.0.1", sb.port), timeout=10))
    return socks


def close_all(socks: list) -> None:
    for s in socks:
        s.close()


# --------------------------------------------------------------------------- HTTP/1.1


def test_an_oversized_chunked_trailer_gets_400_and_the_server_lives_on(sandbox):
    # Beast 1.74 throws on a trailer field of 65,534 bytes or more; before the fix the exception
    # left an I/O thread and aborted the process.
    with connect(sandbox) as sock:
        sock.sendall(
            b"POST /api/v1/projects HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n"
        )
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(b"X-Big: " + b"a" * 70000 + b"\r\n\r\n")
        reply = read_until_closed(sock)
    assert reply.startswith(b"HTTP/1.1 400"), reply[:200]
    assert sandbox.proc.poll() is None, sandbox.stderr_tail()
    assert healthz_status(sandbox.port) == 200
    assert grpc_health(sandbox) == health_pb2.HealthCheckResponse.SERVING


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"GARBAGE\r\n\r\n",
        b"GET /healthz HTTP/1.1\r\nHost localhost\r\n\r\n",  # a header line without a colon
        b"GET /healthz HTTP/9.9\r\nHost: localhost\r\n\r\n",
        b"POST /api/v1/projects HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
    ],
    ids=["no-request-line", "header-without-colon", "bad-version", "two-lengths"],
)
def test_a_malformed_request_gets_400_then_the_connection_closes(sandbox, request_bytes):
    with connect(sandbox) as sock:
        sock.sendall(request_bytes)
        reply = read_until_closed(sock)
    assert reply.startswith(b"HTTP/1.1 400"), reply[:200]
    assert b'"message":"malformed HTTP request' in reply
    assert healthz_status(sandbox.port) == 200


# --------------------------------------------------------------------------- routing


def test_an_http2_preface_split_across_packets_still_reaches_grpc(sandbox):
    conn = h2_connection()
    opening = conn.data_to_send()  # the 24-byte preface and the client's SETTINGS
    with connect(sandbox) as sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.sendall(opening[:10])
        time.sleep(0.3)
        sock.sendall(opening[10:])
        status, reply = h2_unary(
            sandbox, sock, conn, "/grpc.health.v1.Health/Check", grpc_message(health_pb2.HealthCheckRequest())
        )
    assert status == "0"
    assert health_pb2.HealthCheckResponse.FromString(reply).status == health_pb2.HealthCheckResponse.SERVING


def test_silent_and_half_sent_connections_are_closed_after_the_idle_timeout(sandbox_factory, tmp_path):
    config = tmp_path / "sandbox.yaml"
    config.write_text("server:\n  idle_timeout: 1s\n")
    sb = sandbox_factory.start(config=config)
    with connect(sb) as silent, connect(sb) as half_preface:
        half_preface.sendall(b"PRI * HTTP/2.0\r\n")
        started = time.monotonic()
        assert closed_by_server(silent, within=5)
        assert closed_by_server(half_preface, within=5)
        assert time.monotonic() - started < 5
    assert healthz_status(sb.port) == 200


def seconds_until_closed_while_trickling(sock: socket.socket, data: bytes, step: float) -> float | None:
    """Sends `data` a byte every `step` seconds; how long until the server closed, or None if never."""
    started = time.monotonic()
    for i in range(len(data)):
        try:
            sock.sendall(data[i:i + 1])
        except (BrokenPipeError, ConnectionResetError):
            return time.monotonic() - started
        if closed_by_server(sock, within=step):
            return time.monotonic() - started
    return None


def test_a_request_header_must_arrive_within_the_header_timeout(sandbox_factory, tmp_path):
    # One byte and silence, or a header trickled a byte at a time (slowloris): the connection is
    # closed server.header_timeout after the first byte. Before, both held it for the 120 s
    # keep-alive timeout (the trickle for ever, a byte resetting nothing but never finishing).
    config = tmp_path / "sandbox.yaml"
    config.write_text("server:\n  header_timeout: 2s\n")
    sb = sandbox_factory.start(config=config)
    request = f"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:{sb.port}\r\n\r\n".encode()
    with connect(sb) as stalled, connect(sb) as trickled:
        stalled.sendall(b"G")
        started = time.monotonic()
        trickle_seconds = seconds_until_closed_while_trickling(trickled, request, step=0.25)
        assert trickle_seconds is not None and 1.5 < trickle_seconds < 6, trickle_seconds
        assert closed_by_server(stalled, within=6 - (time.monotonic() - started))

    # Between requests a kept-alive connection may stay silent longer than that.
    with contextlib.closing(http.client.HTTPConnection("127.0.0.1", sb.port, timeout=10)) as kept_alive:
        kept_alive.request("GET", "/healthz")
        assert kept_alive.getresponse().read() == b"ok\n"
        first_socket = kept_alive.sock
        time.sleep(3)
        kept_alive.request("GET", "/healthz")
        reply = kept_alive.getresponse()
        assert (reply.status, reply.read()) == (200, b"ok\n")
        assert kept_alive.sock is first_socket
    assert healthz_status(sb.port) == 200


# --------------------------------------------------------------------------- file descriptors


def test_real_clients_are_served_with_1100_idle_sockets_and_1024_files(sandbox_factory):
    # More idle sockets than the sandbox may open files: before the fix, accept failed with
    # EMFILE and was retried at once, spinning a core, and no new client got in.
    sb = sandbox_factory.start()
    resource.prlimit(sb.proc.pid, resource.RLIMIT_NOFILE, (1024, 1024))
    with own_file_limit(4096):
        socks = idle_sockets(sb, 1100)
        try:
            time.sleep(1)  # the listener meets its file limit
            before = cpu_seconds(sb.proc.pid)
            time.sleep(3)
            spent = cpu_seconds(sb.proc.pid) - before
            assert spent < 0.3, f"the server spent {spent:.2f} s of CPU in 3 s with nothing to do"
            assert grpc_health(sb) == health_pb2.HealthCheckResponse.SERVING
            with grpc.insecure_channel(sb.endpoint) as channel:
                from flyteidl.service import admin_pb2_grpc

                version = admin_pb2_grpc.AdminServiceStub(channel).GetVersion(
                    version_pb2.GetVersionRequest(), timeout=RPC_TIMEOUT_S
                )
                assert version.control_plane_version.Version
            assert healthz_status(sb.port) == 200
        finally:
            close_all(socks)


def test_the_connection_cap_holds_and_makes_room_for_real_clients(sandbox_factory, tmp_path):
    config = tmp_path / "sandbox.yaml"
    config.write_text("server:\n  max_connections: 20\n")
    sb = sandbox_factory.start(config=config)
    socks = idle_sockets(sb, 60)
    try:
        time.sleep(1)
        # The cap, the listening socket and a few of gRPC's own.
        assert socket_fds(sb.proc.pid) <= 20 + 5
        assert grpc_health(sb) == health_pb2.HealthCheckResponse.SERVING
        assert healthz_status(sb.port) == 200
    finally:
        close_all(socks)


# --------------------------------------------------------------------------- threads at start

NOBODY = 65534  # RLIMIT_NPROC binds every user but root


def tasks_of(uid: int) -> int:
    """Processes and threads the user runs now (what RLIMIT_NPROC counts)."""
    count = 0
    for status in Path("/proc").glob("[0-9]*/status"):
        with contextlib.suppress(OSError):
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
            if int(fields["Uid"].split()[0]) == uid:
                count += int(fields["Threads"])
    return count


def start_as_nobody(process_limit: int) -> subprocess.CompletedProcess:
    """`flyte sandbox start` as user nobody under a limit on processes; it must exit by itself."""

    def drop():
        os.setgid(NOBODY)
        os.setuid(NOBODY)
        resource.setrlimit(resource.RLIMIT_NPROC, (process_limit, process_limit))

    with tempfile.TemporaryDirectory(prefix="flyte-nobody-") as home:  # pytest's are root's only
        os.chmod(home, 0o777)
        # gRPC's quota of 64 threads: the start-up check needs 80 or so, under the limits below.
        config = Path(home) / "sandbox.yaml"
        config.write_text("server:\n  grpc:\n    max_threads: 64\n")
        os.chmod(config, 0o644)
        return subprocess.run(
            sandbox_command(free_port(), Path(home) / "state", config),
            env=clean_env(Path(home)),
            cwd=home,
            preexec_fn=drop,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )


def test_a_limit_on_processes_too_low_for_the_threads_fails_the_start_clearly():
    # Before the fix gRPC aborted the process ("assertion failed: worker->created()").
    result = start_as_nobody(process_limit=10)
    assert result.returncode == 1, result.stderr
    assert "limit on processes" in result.stderr
    assert "terminate called" not in result.stderr


def test_a_thread_refused_at_start_is_a_clear_error_not_an_abort():
    # The limit passes the start-up check, but the user's other processes leave no thread to
    # spare: before the fix the first std::thread threw out of main (SIGABRT).
    limit = 100
    sleepers = []
    try:
        while tasks_of(NOBODY) < limit - 1:
            sleepers.append(
                subprocess.Popen(["sleep", "60"], preexec_fn=lambda: os.setuid(NOBODY))  # noqa: PLW1509
            )
        result = start_as_nobody(process_limit=limit)
    finally:
        for sleeper in sleepers:
            sleeper.kill()
            sleeper.wait()
    assert result.returncode == 1, result.stderr
    assert "cannot start the sandbox's threads" in result.stderr
    assert "terminate called" not in result.stderr


# --------------------------------------------------------------------------- gRPC abuse


def test_grpc_advertises_a_limit_on_concurrent_streams(sandbox):
    conn = h2_connection()
    with connect(sandbox) as sock:
        sock.sendall(conn.data_to_send())
        status, _ = h2_unary(
            sandbox, sock, conn, "/grpc.health.v1.Health/Check", grpc_message(health_pb2.HealthCheckRequest())
        )
    assert status == "0"
    assert conn.remote_settings.max_concurrent_streams == 100


def test_rapid_reset_keeps_threads_and_memory_bounded(sandbox):
    # HTTP/2 "rapid reset" (CVE-2023-44487): open a stream with a whole call and cancel it at
    # once, as fast as the socket takes it. gRPC 1.51 has no mitigation of its own: before the
    # thread quota one connection grew the sandbox by ~6,000 threads in 3 s.
    with Watch(sandbox.proc.pid) as watch:
        calls, _ = blast_calls(sandbox, watch, seconds=3, reset=True, max_calls=40_000)
        time.sleep(0.5)
    print(f"rapid reset: {calls} calls, {watch.max_rss >> 20} MiB, {watch.max_threads} threads")
    assert calls > 100, "the attack did not get going"
    assert watch.max_rss < MEMORY_CEILING_BYTES, f"resident memory reached {watch.max_rss >> 20} MiB"
    assert watch.max_threads < THREAD_CEILING, f"{watch.max_threads} threads"
    assert grpc_health(sandbox) == health_pb2.HealthCheckResponse.SERVING


def without_asan_quarantine(monkeypatch) -> None:
    """Under AddressSanitizer (the ASan suite's binary) freed memory is held in a 256 MiB
    quarantine to catch use after free, which a memory ceiling would measure as growth; without it
    freed buffers are reused as in the release binary, which ignores the variable."""
    monkeypatch.setenv("ASAN_OPTIONS", ":".join(filter(None, [os.environ.get("ASAN_OPTIONS"), "quarantine_size_mb=0",
                                                              "thread_local_quarantine_size_kb=0"])))


def test_a_sustained_rapid_reset_flood_is_cut_off_and_memory_stays_bounded(sandbox_factory, monkeypatch):
    # The same attack kept up for 10 s, reconnecting each time the connection is closed. Before
    # the HTTP/2 front, gRPC 1.51 took every call on one connection, and memory grew for as
    # long as the attack went on (~80 MiB/s, gigabytes within a minute).
    without_asan_quarantine(monkeypatch)
    sb = sandbox_factory.start()
    connections, calls, goaways = 0, 0, []
    with Watch(sb.proc.pid) as watch:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not watch.over(FLOOD_CEILING_BYTES):
            sent, reply = blast_calls(sb, watch, seconds=deadline - time.monotonic(), reset=True)
            connections += 1
            calls += sent
            goaways.append(goaway_codes(reply))
        time.sleep(0.5)
    print(f"rapid-reset flood: {calls} calls on {connections} connections, {watch.max_rss >> 20} MiB, "
          f"{watch.max_threads} threads")
    assert watch.max_rss < FLOOD_CEILING_BYTES, f"resident memory reached {watch.max_rss >> 20} MiB"
    assert connections > 1, f"one connection took {calls} rapid-reset calls in 10 s without being closed"
    assert ENHANCE_YOUR_CALM in goaways[0], f"the first connection ended with GOAWAY codes {goaways[0]}"
    assert watch.max_threads < THREAD_CEILING, f"{watch.max_threads} threads"
    assert grpc_health(sb) == health_pb2.HealthCheckResponse.SERVING


def flood_until(sb: Sandbox, watch: Watch, deadline: float) -> int:
    """Rapid-reset calls on connection after connection until `deadline`; returns the calls sent."""
    calls = 0
    while time.monotonic() < deadline and not watch.over(FLOOD_CEILING_BYTES):
        sent, _ = blast_calls(sb, watch, seconds=deadline - time.monotonic(), reset=True)
        calls += sent
    return calls


FLOODERS = 4


def test_several_reconnecting_floods_stay_under_the_ceiling_and_real_clients_are_served(sandbox_factory, monkeypatch):
    # Four rapid-reset clients at once, each reconnecting as soon as it is cut off, while a real
    # grpcio client calls GetVersion. Cutting each connection off after 200 resets is not enough
    # on its own: gRPC 1.51 queued the calls of closed connections faster than it ran them, and
    # four such clients took the sandbox past 1 GiB in 10 s. Now the front admits calls only
    # while gRPC has fewer than server.grpc.max_calls_in_flight unfinished ones, process-wide.
    without_asan_quarantine(monkeypatch)
    sb = sandbox_factory.start()
    from flyteidl.service import admin_pb2_grpc

    with Watch(sb.proc.pid) as watch, grpc.insecure_channel(sb.endpoint) as channel:
        deadline = time.monotonic() + 10
        flooders = [threading.Thread(target=flood_until, args=(sb, watch, deadline), daemon=True)
                    for _ in range(FLOODERS)]
        for flooder in flooders:
            flooder.start()
        time.sleep(2)  # the flood is under way
        versions, slowest = 0, 0.0
        while time.monotonic() < deadline - 1 and not watch.over(FLOOD_CEILING_BYTES):
            started = time.monotonic()
            version = admin_pb2_grpc.AdminServiceStub(channel).GetVersion(
                version_pb2.GetVersionRequest(), timeout=RPC_TIMEOUT_S
            )
            slowest = max(slowest, time.monotonic() - started)
            assert version.control_plane_version.Version
            versions += 1
            time.sleep(0.2)
        for flooder in flooders:
            flooder.join()
        time.sleep(0.5)
    print(f"{FLOODERS} reconnecting floods: {watch.max_rss >> 20} MiB, {watch.max_threads} threads, "
          f"{versions} GetVersion calls served meanwhile, the slowest in {slowest:.2f} s")
    assert watch.max_rss < FLOOD_CEILING_BYTES, f"resident memory reached {watch.max_rss >> 20} MiB"
    assert versions > 0, "no GetVersion call was served during the flood"
    assert watch.max_threads < THREAD_CEILING, f"{watch.max_threads} threads"
    assert grpc_health(sb) == health_pb2.HealthCheckResponse.SERVING


def test_a_client_opening_more_streams_than_advertised_is_cut_off(sandbox):
    # Calls whose request never ends keep their streams open. gRPC 1.51 refuses each stream
    # beyond its limit but keeps the connection, so a client may go on trying forever.
    headers = hpack.Encoder().encode(grpc_headers(sandbox, "/flyteidl.service.AdminService/GetVersion"))
    with connect(sandbox) as sock:
        sock.sendall(
            b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + h2_frame(0x4, 0, 0, b"")
            + b"".join(h2_frame(0x1, 0x4, stream, headers) for stream in range(1, 2 * 150, 2))
        )
        reply = read_until_closed(sock, timeout=10)
        assert closed_by_server(sock, within=1)
    assert ENHANCE_YOUR_CALM in goaway_codes(reply), goaway_codes(reply)
    assert grpc_health(sandbox) == health_pb2.HealthCheckResponse.SERVING


def test_a_continuation_flood_is_cut_off(sandbox):
    # A header block that never ends (CVE-2024-27316's kind): HEADERS without END_HEADERS, then
    # empty CONTINUATION frames for as long as the server takes them.
    headers = hpack.Encoder().encode(grpc_headers(sandbox, "/flyteidl.service.AdminService/GetVersion"))
    sent = 0
    with connect(sandbox) as sock:
        sock.sendall(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + h2_frame(0x4, 0, 0, b"") + h2_frame(0x1, 0, 1, headers))
        reader = Reader(sock, timeout=10)
        with contextlib.suppress(BrokenPipeError, ConnectionResetError, socket.timeout):
            while sent < 1_000_000:
                sock.sendall(h2_frame(0x9, 0, 1, b"") * 10_000)
                sent += 10_000
        reader.join()
    assert sent < 1_000_000, "the server took a million CONTINUATION frames"
    assert ENHANCE_YOUR_CALM in goaway_codes(reader.data), goaway_codes(reader.data)
    assert grpc_health(sandbox) == health_pb2.HealthCheckResponse.SERVING


REPLY_BYTES = 4 << 20


def big_task(sb: Sandbox) -> bytes:
    """A registered task whose GetTask reply is REPLY_BYTES large; returns the GetTask request."""
    admin = sb.admin()
    ident = task_id(unique("big"), "v1")
    template = make_task_template(ident)
    template.config["padding"] = "x" * REPLY_BYTES
    admin.CreateTask(task_pb2.TaskCreateRequest(id=ident, spec=task_pb2.TaskSpec(template=template)),
                     timeout=RPC_TIMEOUT_S)
    return grpc_message(common_pb2.ObjectGetRequest(id=ident))


@pytest.mark.parametrize("withholds", ["reads", "window"])
def test_replies_held_for_a_client_that_never_reads_are_dropped(sandbox_factory, tmp_path, withholds):
    # 50 calls whose 4 MiB replies the client never takes, either by not reading its socket
    # (after granting all the flow-control window it can) or by reading it but never granting
    # window. Before the front, gRPC held the replies for as long as the connection lived.
    config = tmp_path / "sandbox.yaml"
    config.write_text("server:\n  grpc:\n    send_timeout: 2s\n")
    sb = sandbox_factory.start(config=config)
    request = big_task(sb)
    idle_rss = proc_status(sb.proc.pid, "VmRSS")
    headers = hpack.Encoder().encode(grpc_headers(sb, "/flyteidl.service.AdminService/GetTask"))
    opening = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
    if withholds == "reads":
        largest = (1 << 31) - 1
        opening += h2_frame(0x4, 0, 0, (4).to_bytes(2, "big") + largest.to_bytes(4, "big"))  # INITIAL_WINDOW_SIZE
        opening += h2_frame(0x8, 0, 0, (largest - 65535).to_bytes(4, "big"))  # the connection's window
    else:
        opening += h2_frame(0x4, 0, 0, b"")
    calls = b"".join(
        h2_frame(0x1, 0x4, stream, headers) + h2_frame(0x0, 0x1, stream, request) for stream in range(1, 100, 2)
    )
    with connect(sb) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)
        sock.sendall(opening + calls)
        if withholds == "reads":
            time.sleep(8)  # reading nothing: the replies wait (in gRPC, before the front)
            received = read_until_closed(sock, timeout=10)
        else:
            received = read_until_closed(sock, timeout=15)
        closed = closed_by_server(sock, within=1)
    held_rss = proc_status(sb.proc.pid, "VmRSS")
    print(f"never reads ({withholds}): {len(received)} bytes received, RSS {idle_rss >> 20} MiB idle, "
          f"{held_rss >> 20} MiB after")
    assert closed, "the connection of a client that takes no replies was kept open"
    assert len(received) < 25 * REPLY_BYTES
    assert grpc_health(sb) == health_pb2.HealthCheckResponse.SERVING
