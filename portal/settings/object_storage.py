"""Media in S3-compatible object storage, for a portal on several hosts.

django-storages' S3Storage speaks the S3 API to AWS or to any compatible
endpoint (AWS_S3_ENDPOINT_URL). The bucket stays private: /media/ and the
candidate page's downloads check the permission, then redirect to a
presigned URL valid MEDIA_URL_EXPIRY_S seconds (portal/media.py).

Environment: AWS_STORAGE_BUCKET_NAME (turns it on), AWS_S3_ENDPOINT_URL
(empty: AWS itself), AWS_S3_REGION_NAME, AWS_ACCESS_KEY_ID and
AWS_SECRET_ACCESS_KEY (may be left out where the host grants a role:
boto3's credential chain). The endpoint must be one browsers reach too,
since they follow the presigned URLs to it.
"""

from urllib.parse import urlsplit


def _value(environ, name):
    return environ.get(name, "").strip() or None


def s3_media_storage(environ, url_expiry_s):
    """The STORAGES["default"] entry for the bucket `environ` names.

    file_overwrite is off: a file saved under a name already taken gets a
    new name, as on disk, so ingest's delete-the-old-file-after-commit never
    removes the new one. Path-style addressing for a custom endpoint (most
    S3-compatible servers do not serve bucket sub-domains).
    """
    endpoint = _value(environ, "AWS_S3_ENDPOINT_URL")
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": environ["AWS_STORAGE_BUCKET_NAME"].strip(),
            "endpoint_url": endpoint,
            "region_name": _value(environ, "AWS_S3_REGION_NAME"),
            "access_key": _value(environ, "AWS_ACCESS_KEY_ID"),
            "secret_key": _value(environ, "AWS_SECRET_ACCESS_KEY"),
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": url_expiry_s,
            "file_overwrite": False,
            "signature_version": "s3v4",
            "addressing_style": "path" if endpoint else None,
        },
    }


def s3_media_origin(environ):
    """The origin the presigned URLs point at, for the CSP."""
    endpoint = _value(environ, "AWS_S3_ENDPOINT_URL")
    if endpoint:
        parts = urlsplit(endpoint)
        return f"{parts.scheme}://{parts.netloc}"
    bucket = environ["AWS_STORAGE_BUCKET_NAME"].strip()
    region = _value(environ, "AWS_S3_REGION_NAME") or "us-east-1"
    return f"https://{bucket}.s3.{region}.amazonaws.com"
