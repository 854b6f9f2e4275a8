"""Nightly import of product images listed in supplier feeds.

Suppliers publish a feed with one image URL per product. The URLs are not ours, so every fetch
goes through the egress proxy, which refuses private, loopback and link-local addresses.
"""

import hashlib
import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests

from catalog.feeds import SupplierFeed
from catalog.storage import ImageStore

# @asset Catalog.ImageImporter.Thumbnails (#thumbnails) -- "resized copies served by the CDN"
# @flows #supplier-feed -> #image-importer via https -- "feed documents and the images they list"
# @flows #image-importer -> #thumbnails via S3 PutObject

log = logging.getLogger("catalog.image_import")

EGRESS_PROXY = "http://egress-proxy.internal:3128"
ALLOWED_TYPES = {"image/jpeg", "image/png", "image/webp"}
MAX_IMAGE_BYTES = 10 * 1024 * 1024


@dataclass
class ImportResult:
    product_id: str
    stored_as: str | None
    error: str | None = None


# @exposes #image-importer to #ssrf-image-import -- "fetches whatever URL a supplier feed lists"
# @mitigates #image-importer against #ssrf-image-import using #egress-allowlist -- "no direct route out; the proxy blocks internal ranges and unlisted redirects"
def fetch_image(url: str) -> bytes:
    if urlsplit(url).scheme != "https":
        raise ValueError(f"not an https URL: {url!r}")
    with requests.get(
        url,
        proxies={"https": EGRESS_PROXY},
        allow_redirects=False,  # the proxy follows redirects to allowed hosts only
        stream=True,
        timeout=(3, 10),
    ) as response:
        response.raise_for_status()
        if response.headers.get("Content-Type", "").split(";")[0] not in ALLOWED_TYPES:
            raise ValueError("not an image")
        body = response.raw.read(MAX_IMAGE_BYTES + 1, decode_content=True)
        if len(body) > MAX_IMAGE_BYTES:
            raise ValueError("image too large")
        return body


def import_feed(feed: SupplierFeed, store: ImageStore) -> list[ImportResult]:
    results = []
    for item in feed.items():
        try:
            image = fetch_image(item.image_url)
        except (requests.RequestException, ValueError) as err:
            log.warning("skipping image", extra={"supplier": feed.supplier, "product": item.product_id})
            results.append(ImportResult(item.product_id, None, str(err)))
            continue
        key = f"products/{item.product_id}/{hashlib.sha256(image).hexdigest()}"
        store.put(key, image)
        results.append(ImportResult(item.product_id, key))
    return results
