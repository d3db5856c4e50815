"""The S3-compatible endpoint with real clients: boto3 (multipart upload_file, download, listing
with delimiter and pagination, presigned GET and PUT URLs used with requests and curl, copy,
delete), s3fs as flytekit uses it, and the aws CLI (cp, ls, sync). Refusals: a bad signature, an
expired presigned URL, keys that would leave their bucket. The same bytes are visible as
s3://bucket/key and as files under the state folder's blobs/."""
from __future__ import annotations

import hashlib
import os
import subprocess
import time
from pathlib import Path

import boto3
import pandas as pd
import pytest
import requests
import s3fs
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import ClientError
from e2e_support import VENV_BIN, free_port, start_sandbox

KEY_ID = "minio"
SECRET = "miniostorage"
BUCKET = "test-bucket"


@pytest.fixture(scope="module")
def s3_sandbox(tmp_path_factory):
    s3_port = free_port()
    sb = start_sandbox(tmp_path_factory.mktemp("s3"), extra_args=["--s3-port", str(s3_port)])
    sb.s3_endpoint = f"http://localhost:{s3_port}"
    yield sb
    sb.stop_and_check()


def client(sb, secret: str = SECRET, **config):
    return boto3.client("s3", endpoint_url=sb.s3_endpoint, aws_access_key_id=KEY_ID, aws_secret_access_key=secret,
                        region_name="us-east-1", config=Config(**config) if config else None)


@pytest.fixture(scope="module")
def s3(s3_sandbox):
    c = client(s3_sandbox)
    c.create_bucket(Bucket=BUCKET)
    return c


def blobs(sb) -> Path:
    return sb.state_dir / "blobs"


def test_banner_prints_the_endpoint_and_its_keys(s3_sandbox):
    banner = s3_sandbox.banner()
    assert f"S3 endpoint:    {s3_sandbox.s3_endpoint}  (access key minio, secret key miniostorage)" in banner, banner


def test_buckets_are_the_store_folders(s3_sandbox, s3):
    names = [b["Name"] for b in s3.list_buckets()["Buckets"]]
    assert BUCKET in names
    assert (blobs(s3_sandbox) / BUCKET).is_dir()
    s3.head_bucket(Bucket=BUCKET)
    with pytest.raises(ClientError) as missing:
        s3.head_bucket(Bucket="no-such-bucket")
    assert missing.value.response["Error"]["Code"] in ("404", "NoSuchBucket")
    with pytest.raises(ClientError) as exists:
        s3.create_bucket(Bucket=BUCKET)
    assert exists.value.response["Error"]["Code"] == "BucketAlreadyOwnedByYou"
    s3.create_bucket(Bucket="short-lived")
    s3.put_object(Bucket="short-lived", Key="x", Body=b"x")
    with pytest.raises(ClientError) as not_empty:
        s3.delete_bucket(Bucket="short-lived")
    assert not_empty.value.response["Error"]["Code"] == "BucketNotEmpty"
    s3.delete_object(Bucket="short-lived", Key="x")
    s3.delete_bucket(Bucket="short-lived")
    assert not (blobs(s3_sandbox) / "short-lived").exists()


def test_multipart_upload_file_and_download_round_trip(s3_sandbox, s3, tmp_path):
    data = os.urandom(21 * 1024 * 1024 + 123)
    source = tmp_path / "big.bin"
    source.write_bytes(data)
    transfer = TransferConfig(multipart_threshold=8 * 1024 * 1024, multipart_chunksize=8 * 1024 * 1024)
    s3.upload_file(str(source), BUCKET, "big/big.bin", Config=transfer)
    head = s3.head_object(Bucket=BUCKET, Key="big/big.bin")
    assert head["ContentLength"] == len(data)
    assert head["ETag"].endswith('-3"')  # three parts: S3's multipart ETag
    # The object is the file under the bucket's folder, whole.
    assert hashlib.sha256((blobs(s3_sandbox) / BUCKET / "big" / "big.bin").read_bytes()).digest() == \
        hashlib.sha256(data).digest()
    assert not list((blobs(s3_sandbox) / ".multipart").iterdir())  # parts are gone
    target = tmp_path / "back.bin"
    s3.download_file(BUCKET, "big/big.bin", str(target), Config=transfer)
    assert target.read_bytes() == data
    part = s3.get_object(Bucket=BUCKET, Key="big/big.bin", Range="bytes=100-199")
    assert part["Body"].read() == data[100:200]
    with pytest.raises(ClientError) as bad_range:
        s3.get_object(Bucket=BUCKET, Key="big/big.bin", Range=f"bytes={len(data) + 10}-")
    assert bad_range.value.response["Error"]["Code"] == "InvalidRange"


def test_multipart_parts_listed_checked_and_aborted(s3):
    upload = s3.create_multipart_upload(Bucket=BUCKET, Key="mp/obj")["UploadId"]
    etag = s3.upload_part(Bucket=BUCKET, Key="mp/obj", UploadId=upload, PartNumber=1, Body=b"x" * 100)["ETag"]
    assert etag == '"' + hashlib.md5(b"x" * 100).hexdigest() + '"'
    parts = s3.list_parts(Bucket=BUCKET, Key="mp/obj", UploadId=upload)["Parts"]
    assert [(p["PartNumber"], p["Size"], p["ETag"]) for p in parts] == [(1, 100, etag)]
    with pytest.raises(ClientError) as wrong:
        s3.complete_multipart_upload(Bucket=BUCKET, Key="mp/obj", UploadId=upload,
                                     MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": '"' + "0" * 32 + '"'}]})
    assert wrong.value.response["Error"]["Code"] == "InvalidPart"
    s3.abort_multipart_upload(Bucket=BUCKET, Key="mp/obj", UploadId=upload)
    with pytest.raises(ClientError) as gone:
        s3.list_parts(Bucket=BUCKET, Key="mp/obj", UploadId=upload)
    assert gone.value.response["Error"]["Code"] == "NoSuchUpload"


def test_list_with_delimiter_and_pagination(s3):
    keys = [f"list/{d}/{i:02d}.txt" for d in ("a", "b") for i in range(5)] + ["list/top.txt"]
    for key in keys:
        s3.put_object(Bucket=BUCKET, Key=key, Body=key.encode())
    top = s3.list_objects_v2(Bucket=BUCKET, Prefix="list/", Delimiter="/")
    assert [p["Prefix"] for p in top["CommonPrefixes"]] == ["list/a/", "list/b/"]
    assert [o["Key"] for o in top["Contents"]] == ["list/top.txt"]
    pages = list(s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix="list/",
                                                               PaginationConfig={"PageSize": 3}))
    assert len(pages) == 4
    assert [o["Key"] for p in pages for o in p["Contents"]] == sorted(keys)
    after = s3.list_objects_v2(Bucket=BUCKET, Prefix="list/", StartAfter="list/b/03.txt")
    assert [o["Key"] for o in after["Contents"]] == ["list/b/04.txt", "list/top.txt"]
    v1 = s3.list_objects(Bucket=BUCKET, Prefix="list/a/", MaxKeys=2)
    assert v1["IsTruncated"] and [o["Key"] for o in v1["Contents"]] == ["list/a/00.txt", "list/a/01.txt"]


def test_copy_and_delete(s3):
    s3.put_object(Bucket=BUCKET, Key="c/source", Body=b"copy me")
    s3.copy_object(Bucket=BUCKET, Key="c/copied", CopySource={"Bucket": BUCKET, "Key": "c/source"})
    assert s3.get_object(Bucket=BUCKET, Key="c/copied")["Body"].read() == b"copy me"
    s3.delete_object(Bucket=BUCKET, Key="c/copied")
    result = s3.delete_objects(Bucket=BUCKET, Delete={"Objects": [{"Key": "c/source"}, {"Key": "c/absent"}]})
    assert sorted(d["Key"] for d in result["Deleted"]) == ["c/absent", "c/source"]
    with pytest.raises(ClientError) as missing:
        s3.get_object(Bucket=BUCKET, Key="c/source")
    assert missing.value.response["Error"]["Code"] == "NoSuchKey"


def test_content_md5_and_checksums_are_checked(s3):
    import base64
    good = base64.b64encode(hashlib.md5(b"payload").digest()).decode()
    s3.put_object(Bucket=BUCKET, Key="md5/ok", Body=b"payload", ContentMD5=good)
    bad = base64.b64encode(hashlib.md5(b"other").digest()).decode()
    with pytest.raises(ClientError) as mismatch:
        s3.put_object(Bucket=BUCKET, Key="md5/bad", Body=b"payload", ContentMD5=bad)
    assert mismatch.value.response["Error"]["Code"] == "BadDigest"
    s3.put_object(Bucket=BUCKET, Key="sum/ok", Body=b"payload", ChecksumAlgorithm="SHA256")
    with pytest.raises(ClientError):
        s3.head_object(Bucket=BUCKET, Key="md5/bad")


def test_presigned_urls_with_requests_and_curl(s3_sandbox, s3):
    s3.put_object(Bucket=BUCKET, Key="pre/get.txt", Body=b"presigned body")
    for signer in (s3, client(s3_sandbox, signature_version="s3v4")):  # boto3's default (SigV2) and SigV4
        url = signer.generate_presigned_url("get_object", Params={"Bucket": BUCKET, "Key": "pre/get.txt"},
                                            ExpiresIn=60)
        assert requests.get(url).content == b"presigned body"
        got = subprocess.run(["curl", "-sf", url], capture_output=True, timeout=30, check=False)
        assert got.returncode == 0 and got.stdout == b"presigned body"
        put = signer.generate_presigned_url("put_object", Params={"Bucket": BUCKET, "Key": "pre/put.txt"},
                                            ExpiresIn=60)
        assert requests.put(put, data=b"put through a URL").status_code == 200
        assert s3.get_object(Bucket=BUCKET, Key="pre/put.txt")["Body"].read() == b"put through a URL"


def test_expired_presigned_url_and_bad_signature_are_refused(s3_sandbox, s3):
    s3.put_object(Bucket=BUCKET, Key="pre/expiring.txt", Body=b"soon gone")
    for signer in (s3, client(s3_sandbox, signature_version="s3v4")):
        url = signer.generate_presigned_url("get_object", Params={"Bucket": BUCKET, "Key": "pre/expiring.txt"},
                                            ExpiresIn=1)
        time.sleep(2.1)
        reply = requests.get(url)
        assert reply.status_code == 403
        assert b"<Code>AccessDenied</Code>" in reply.content and b"Request has expired" in reply.content
    with pytest.raises(ClientError) as forged:
        client(s3_sandbox, secret="not-the-secret").get_object(Bucket=BUCKET, Key="pre/expiring.txt")
    assert forged.value.response["Error"]["Code"] == "SignatureDoesNotMatch"
    unsigned = requests.get(f"{s3_sandbox.s3_endpoint}/{BUCKET}/pre/expiring.txt")
    assert unsigned.status_code == 403 and b"<Code>AccessDenied</Code>" in unsigned.content


def test_keys_that_leave_the_bucket_are_refused(s3_sandbox, s3):
    (s3_sandbox.state_dir / "outside.txt").write_text("secret")
    for key in ("../outside.txt", "a/../../outside.txt", "/abs", "a//b", "nul\0byte"):
        with pytest.raises(ClientError) as refused:
            s3.get_object(Bucket=BUCKET, Key=key)
        assert refused.value.response["Error"]["Code"] in ("InvalidArgument", "InvalidBucketName"), key
    with pytest.raises(ClientError) as escaping_put:
        s3.put_object(Bucket=BUCKET, Key="../escaped.txt", Body=b"no")
    assert escaping_put.value.response["Error"]["Code"] == "InvalidArgument"
    assert not (blobs(s3_sandbox) / "escaped.txt").exists()
    # The same path written by hand, not normalised by the client.
    raw = requests.get(f"{s3_sandbox.s3_endpoint}/{BUCKET}/%2E%2E/%2E%2E/outside.txt")
    assert raw.status_code in (400, 403)


def test_s3_objects_are_local_files_and_local_files_are_objects(s3_sandbox, s3):
    s3.put_object(Bucket=BUCKET, Key="local/from-s3.txt", Body=b"written through S3")
    assert (blobs(s3_sandbox) / BUCKET / "local" / "from-s3.txt").read_bytes() == b"written through S3"
    raw = blobs(s3_sandbox) / "raw" / "p" / "d"
    raw.mkdir(parents=True)
    (raw / "from-disk.txt").write_bytes(b"written as a file")
    assert s3.get_object(Bucket="raw", Key="p/d/from-disk.txt")["Body"].read() == b"written as a file"
    listed = s3.list_objects_v2(Bucket="raw", Prefix="p/")
    assert [o["Key"] for o in listed["Contents"]] == ["p/d/from-disk.txt"]


def test_the_store_folder_of_flyte2_runs_is_readable_though_no_bucket_can_be_made_so_named(s3_sandbox, s3):
    # Flyte 2's runs keep their data in the store's folder "v2" (a name too short for a new S3
    # bucket): their actions in pods read and write it through this endpoint.
    runs = blobs(s3_sandbox) / "v2" / "p" / "d"
    runs.mkdir(parents=True)
    (runs / "inputs.pb").write_bytes(b"inputs")
    assert s3.get_object(Bucket="v2", Key="p/d/inputs.pb")["Body"].read() == b"inputs"
    s3.put_object(Bucket="v2", Key="p/d/outputs.pb", Body=b"outputs")
    assert (runs / "outputs.pb").read_bytes() == b"outputs"
    s3.head_bucket(Bucket="v2")
    with pytest.raises(ClientError) as refused:
        s3.create_bucket(Bucket="v3")
    assert refused.value.response["Error"]["Code"] == "InvalidBucketName"
    assert "v2" not in [b["Name"] for b in s3.list_buckets()["Buckets"]]


def test_s3fs_as_flytekit_uses_it(s3_sandbox, s3, tmp_path):
    fs = s3fs.S3FileSystem(key=KEY_ID, secret=SECRET, client_kwargs={"endpoint_url": s3_sandbox.s3_endpoint})
    with fs.open(f"{BUCKET}/fs/a.txt", "wb") as f:
        f.write(b"through s3fs")
    assert fs.cat(f"{BUCKET}/fs/a.txt") == b"through s3fs"
    local = tmp_path / "dir"
    (local / "sub").mkdir(parents=True)
    (local / "one.txt").write_text("1")
    (local / "sub" / "two.txt").write_text("2")
    fs.put(str(local), f"{BUCKET}/fs/dir", recursive=True)
    assert sorted(fs.find(f"{BUCKET}/fs/dir")) == [f"{BUCKET}/fs/dir/one.txt", f"{BUCKET}/fs/dir/sub/two.txt"]
    fs.get(f"{BUCKET}/fs/dir", str(tmp_path / "back"), recursive=True)
    assert (tmp_path / "back" / "sub" / "two.txt").read_text() == "2"
    fs.rm(f"{BUCKET}/fs", recursive=True)
    assert not fs.exists(f"{BUCKET}/fs/a.txt")


def test_a_folder_is_no_object_and_a_parquet_dataset_in_one_is_read(s3_sandbox, s3):
    """A prefix is a folder of the store, not an object: HEAD and GET answer 404 NoSuchKey, as
    S3 and MinIO do (it was 403 AccessDenied), so pyarrow, which HEADs a dataset's folder before
    it lists it, reads a parquet dataset as flytekit writes DataFrames."""
    s3.put_object(Bucket=BUCKET, Key="frames/f1/00000", Body=pd.DataFrame({"x": [1, 2]}).to_parquet())
    for call in (s3.head_object, s3.get_object):
        with pytest.raises(ClientError) as folder:
            call(Bucket=BUCKET, Key="frames/f1")
        assert folder.value.response["Error"]["Code"] in ("404", "NoSuchKey"), folder.value.response
    options = {"key": KEY_ID, "secret": SECRET, "client_kwargs": {"endpoint_url": s3_sandbox.s3_endpoint}}
    frame = pd.read_parquet(f"s3://{BUCKET}/frames/f1", storage_options=options)
    assert frame["x"].tolist() == [1, 2]


def test_aws_cli_cp_ls_sync(s3_sandbox, s3, tmp_path):
    env = {**os.environ, "AWS_ACCESS_KEY_ID": KEY_ID, "AWS_SECRET_ACCESS_KEY": SECRET,
           "AWS_DEFAULT_REGION": "us-east-1", "HOME": str(tmp_path)}

    def aws(*args):
        res = subprocess.run([str(VENV_BIN / "aws"), "--endpoint-url", s3_sandbox.s3_endpoint, *args],
                             capture_output=True, text=True, env=env, timeout=120, check=False)
        assert res.returncode == 0, res.stderr
        return res.stdout

    (tmp_path / "file.txt").write_text("cli file")
    aws("s3", "cp", str(tmp_path / "file.txt"), f"s3://{BUCKET}/cli/file.txt")
    assert f"{BUCKET}" in aws("s3", "ls")
    assert "file.txt" in aws("s3", "ls", f"s3://{BUCKET}/cli/")
    tree = tmp_path / "tree"
    (tree / "deep").mkdir(parents=True)
    (tree / "a.txt").write_text("a")
    (tree / "deep" / "b.txt").write_text("b")
    out = aws("s3", "sync", str(tree), f"s3://{BUCKET}/synced")
    assert out.count("upload:") == 2
    assert aws("s3", "sync", str(tree), f"s3://{BUCKET}/synced").count("upload:") == 0  # nothing changed
    aws("s3", "sync", f"s3://{BUCKET}/synced", str(tmp_path / "down"))
    assert (tmp_path / "down" / "deep" / "b.txt").read_text() == "b"
    aws("s3", "cp", f"s3://{BUCKET}/cli/file.txt", str(tmp_path / "again.txt"))
    assert (tmp_path / "again.txt").read_text() == "cli file"


def test_small_gets_do_not_wait_for_delayed_acks(s3):
    # A file reply is a header write then a body write; with Nagle's algorithm on, each small GET
    # waited ~40 ms for the client's delayed ACK (100 GETs took over 4 s; now well under 1 s).
    s3.put_object(Bucket=BUCKET, Key="small/4k", Body=os.urandom(4096))
    s3.get_object(Bucket=BUCKET, Key="small/4k")["Body"].read()  # connection made
    started = time.perf_counter()
    for _ in range(100):
        s3.get_object(Bucket=BUCKET, Key="small/4k")["Body"].read()
    assert time.perf_counter() - started < 2.5
