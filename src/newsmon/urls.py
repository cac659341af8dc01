"""Canonical article URLs and the stable ids derived from them.

Two links that a reader would call "the same article" must give one id: the same page
reached through two feeds, with tracking parameters, with a fragment, with an upper-case host
or an explicit default port. Anything that could change what the server returns (path,
non-tracking query parameters) is kept.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

# Parameters that only say where a click came from. Prefix entries end in "_".
_TRACKING_PREFIXES = ("utm_", "at_", "ns_", "pk_", "mtm_", "hsa_", "oly_")
_TRACKING_NAMES = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "igshid",
        "mc_cid", "mc_eid", "_ga", "_gl", "ref", "ref_src", "referrer", "cmpid", "xtor", "s_cid",
        "ito", "ocid", "smid", "sr_share", "share", "guccounter", "spm", "vero_id", "__twitter_impression",
    }
)  # fmt: skip
_DEFAULT_PORTS = {"http": 80, "https": 443}
_SAFE_SEGMENT = ":@!$&'()*+,;=-._~"


def is_tracking_param(name: str) -> bool:
    lowered = name.lower()
    return lowered in _TRACKING_NAMES or lowered.startswith(_TRACKING_PREFIXES)


def _normalise_path(path: str) -> str:
    """Collapse "//", resolve "." and "..", and re-quote each segment, so that "%7E" and "~" (or "é"
    and "%C3%A9") compare equal. Segments are decoded before the dot rules and re-encoded with "/" and
    "%" escaped: "%2F" and "%25" stay what they mean, and a second pass changes nothing."""
    segments: list[str] = []
    for raw in re.sub(r"/{2,}", "/", path or "/").split("/"):
        segment = unquote(raw)
        if segment == "..":
            if len(segments) > 1:
                segments.pop()
        elif segment != ".":
            segments.append(segment)
    path = "/".join(quote(segment, safe=_SAFE_SEGMENT) for segment in segments) or "/"
    return path if path.startswith("/") else "/" + path


def canonical_url(url: str) -> str:
    """Return the canonical form of an http(s) URL; other strings come back stripped.

    Never raises: a string that is not an absolute http(s) URL is returned trimmed, so the
    caller can still record it (and reject it with a clear reason elsewhere).
    """
    text = url.strip()
    try:
        parts = urlsplit(text)
        scheme = parts.scheme.lower()
        host = (parts.hostname or "").lower().rstrip(".")
        port = parts.port
    except ValueError:
        return text
    if scheme not in _DEFAULT_PORTS or not host:
        return text
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    pairs = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not is_tracking_param(k)]
    query = urlencode(sorted(pairs), quote_via=quote)
    return urlunsplit((scheme, netloc, _normalise_path(parts.path), query, ""))


def article_id(url: str) -> str:
    """Stable 16-hex-digit id of the article at `url` (after canonicalisation)."""
    return hashlib.sha256(canonical_url(url).encode("utf-8")).hexdigest()[:16]

