"""Files in an S3-compatible object store (AWS S3, MinIO, Ceph, ...), through boto3.

Credentials come from boto3's usual sources (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in
the environment, a profile, an instance role); `TPCOURSE_S3_ENDPOINT_URL` points at a store
other than AWS. Objects are private: tpcourse reads them and serves them itself, after its
permission check, so no presigned or public URL ever exists.
"""

from __future__ import annotations

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from .store import StoredFileMissing

_TIMEOUTS = Config(connect_timeout=5, read_timeout=30, retries={"max_attempts": 3})


class S3Store:
    """Each file is the object `<key>` of one bucket."""

    def __init__(self, bucket: str, endpoint_url: str | None = None,
                 region: str = "us-east-1") -> None:
        self.bucket = bucket
        self.client = boto3.client("s3", endpoint_url=endpoint_url or None, region_name=region,
                                   config=_TIMEOUTS)

    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Store `data` under `key`, private."""
        self.client.put_object(Bucket=self.bucket, Key=key, Body=data, ContentType=content_type)

    def get(self, key: str) -> bytes:
        """Return the bytes under `key`."""
        try:
            return self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                raise StoredFileMissing(key) from None
            raise

    def delete(self, key: str) -> None:
        """Remove the object under `key`."""
        self.client.delete_object(Bucket=self.bucket, Key=key)
