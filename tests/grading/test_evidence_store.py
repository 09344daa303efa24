"""The evidence store: the local folder by default, and an S3-compatible object store over
HTTP — tested against moto's stand-alone S3 server, a real process on a free port."""

from __future__ import annotations

import io
import socket
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import boto3
import pytest
import requests
from sqlalchemy import select

from tests.grading.test_practical_rubrics import PNG
from tpcourse.models import SkillEvidence
from tpcourse.services.storage import StoredFileMissing, file_store
from tpcourse.services.storage.local import LocalStore
from tpcourse.services.storage.s3 import S3Store

BUCKET = "tpcourse-evidence"


def free_port() -> int:
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def s3_server():
    """moto's S3 server in its own process; yields its endpoint URL."""
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1",
                                "-p", str(port)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:  # wait until it answers (a readiness poll, not a timed sleep)
            try:
                requests.get(url, timeout=1)
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("moto's S3 server did not start") from None
                time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def s3_env(monkeypatch, s3_server):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    client = boto3.client("s3", endpoint_url=s3_server, region_name="us-east-1")
    if BUCKET not in [b["Name"] for b in client.list_buckets()["Buckets"]]:
        client.create_bucket(Bucket=BUCKET)
    return s3_server, client


def test_the_local_store_keeps_files_under_the_instance_folder(tmp_path):
    store = LocalStore(tmp_path / "evidence")
    store.put("a" * 32, b"bytes", "image/png")
    assert store.get("a" * 32) == b"bytes"
    assert (tmp_path / "evidence" / ("a" * 32)).stat().st_mode & 0o777 == 0o600
    store.delete("a" * 32)
    with pytest.raises(StoredFileMissing):
        store.get("a" * 32)
    with pytest.raises(ValueError):
        store.put("../escape-attempt-key", b"x", "image/png")


def test_the_s3_store_over_http(s3_env):
    endpoint, client = s3_env
    store = S3Store(BUCKET, endpoint)
    store.put("k" * 32, PNG, "image/png")
    head = client.head_object(Bucket=BUCKET, Key="k" * 32)
    assert head["ContentType"] == "image/png" and head["ContentLength"] == len(PNG)
    assert store.get("k" * 32) == PNG
    store.delete("k" * 32)
    with pytest.raises(StoredFileMissing):
        store.get("k" * 32)


def test_evidence_goes_to_s3_and_is_served_from_it(client, db, login_as, case_trainee, app,
                                                  s3_env):
    endpoint, s3 = s3_env
    app.config.update(TPCOURSE_EVIDENCE_STORE="s3", TPCOURSE_S3_BUCKET=BUCKET,
                      TPCOURSE_S3_ENDPOINT_URL=endpoint)
    login_as(case_trainee)
    response = client.post("/courses/casework/skills/pressure-release/evidence",
                           data={"file": (io.BytesIO(PNG), "hold.png")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    evidence = db.session.execute(select(SkillEvidence)).scalar_one()
    stored = s3.get_object(Bucket=BUCKET, Key=evidence.storage_key)["Body"].read()
    assert stored == PNG
    assert isinstance(file_store(), S3Store)
    assert client.get(f"/evidence/{evidence.id}").data == PNG
    assert not (Path(app.instance_path) / "evidence").exists()  # nothing on local disk
