"""S3 endpoint throughput with boto3: PUT and GET of one 1 GiB object (multipart, 64 MiB parts,
boto3's default 10 threads) and of 1,000 small (4 KiB) objects one after the other, beside `cp`
of the same bytes on the same disk in the same run (the floor: what the filesystem itself costs).

Usage: .venv/bin/python bench/s3_bench.py [--binary build/src/flyte] [--size-mib 1024] [--small 1000]
"""
from __future__ import annotations

import argparse
import os
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import boto3
from boto3.s3.transfer import TransferConfig


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default="build/src/flyte")
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--small", type=int, default=1000)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="s3-bench-", dir=os.path.expanduser("~")))  # same disk as the state
    port, s3_port = free_port(), free_port()
    env = {**os.environ, "HOME": str(root)}
    proc = subprocess.Popen([args.binary, "sandbox", "start", "--port", str(port), "--s3-port", str(s3_port),
                             "--state-dir", str(root / "state")], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.05)
        s3 = boto3.client("s3", endpoint_url=f"http://localhost:{s3_port}", aws_access_key_id="minio",
                          aws_secret_access_key="miniostorage", region_name="us-east-1")
        s3.create_bucket(Bucket="bench")
        big = root / "big.bin"
        with open(big, "wb") as f:
            for _ in range(args.size_mib):
                f.write(os.urandom(1 << 20))
        size = args.size_mib << 20
        transfer = TransferConfig(multipart_chunksize=64 << 20)
        mib = size / (1 << 20)

        cp_in = timed(lambda: subprocess.run(["cp", str(big), str(root / "copy.bin")], check=True))
        put = timed(lambda: s3.upload_file(str(big), "bench", "big.bin", Config=transfer))
        get = timed(lambda: s3.download_file("bench", "big.bin", str(root / "back.bin"), Config=transfer))
        (root / "copy.bin").unlink()
        (root / "back.bin").unlink()
        print(f"1 object of {mib:.0f} MiB: PUT {put:.2f} s ({mib / put:.0f} MiB/s), GET {get:.2f} s "
              f"({mib / get:.0f} MiB/s); cp of the same file {cp_in:.2f} s ({mib / cp_in:.0f} MiB/s)")

        small = root / "small"
        small.mkdir()
        payload = os.urandom(4096)
        for i in range(args.small):
            (small / f"{i:04d}").write_bytes(payload)
        cp_small = timed(lambda: subprocess.run(["cp", "-r", str(small), str(root / "small-copy")], check=True))
        put_small = timed(lambda: [s3.put_object(Bucket="bench", Key=f"small/{i:04d}", Body=payload)
                                   for i in range(args.small)])
        get_small = timed(lambda: [s3.get_object(Bucket="bench", Key=f"small/{i:04d}")["Body"].read()
                                   for i in range(args.small)])
        n = args.small
        print(f"{n} objects of 4 KiB, one at a time: PUT {put_small:.2f} s ({n / put_small:.0f}/s), GET "
              f"{get_small:.2f} s ({n / get_small:.0f}/s); cp -r of the same files {cp_small:.2f} s")
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        subprocess.run(["rm", "-rf", str(root)], check=False)


if __name__ == "__main__":
    main()
