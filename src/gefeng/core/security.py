"""Headers a proxy or a browser sends and the platform must not take on trust, and the
Content-Security-Policy every page carries.

Behind a reverse proxy the client's address is in X-Forwarded-For. Each proxy *appends* the
address it received the request from, so the entries a client writes itself come first: the
leftmost entry is whatever the client chose. The client is the rightmost entry that is not one
of our own proxies (GEFENG_TRUSTED_PROXIES). X-Forwarded-Proto likewise means something only
when one of our proxies set it; from anyone else it is removed before Django reads it.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_proxies(entries: Iterable[str]) -> list[Network]:
    """GEFENG_TRUSTED_PROXIES: addresses or networks (`10.0.0.5`, `10.0.0.0/24`, `::1`)."""
    networks = []
    for entry in entries:
        networks.append(ipaddress.ip_network(entry.strip(), strict=False))
    return networks


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [::1]:443
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # 1.2.3.4:5678
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def is_trusted(address: str, proxies: Iterable[str | Network]) -> bool:
    ip = _address(address)
    if ip is None:
        return False
    for proxy in proxies:
        network = proxy if isinstance(proxy, ipaddress.IPv4Network | ipaddress.IPv6Network) else None
        if network is None:
            try:
                network = ipaddress.ip_network(str(proxy).strip(), strict=False)
            except ValueError:
                continue
        if ip.version == network.version and ip in network:
            return True
    return False


def client_ip(meta: dict, trusted_proxies: Iterable[str | Network]) -> str:
    """The client's address: REMOTE_ADDR, or behind our proxies the rightmost X-Forwarded-For
    entry that is not one of them.

    An entry that is not an address (a client can write anything to the left of what our proxy
    appended) ends the walk: the last hop we trust is then the best we know.
    """
    proxies = list(trusted_proxies)
    remote = (meta.get("REMOTE_ADDR", "") or "")[:45]
    forwarded = meta.get("HTTP_X_FORWARDED_FOR", "")
    if not forwarded or not is_trusted(remote, proxies):
        return remote
    nearest = remote
    for entry in reversed(forwarded.split(",")):
        ip = _address(entry)
        if ip is None:
            return nearest
        if not is_trusted(str(ip), proxies):
            return str(ip)[:45]
        nearest = str(ip)[:45]
    return nearest


# Pages are server-rendered with every script and style sheet served from /static/; no inline
# script, no inline style, no plug-ins, no framing. Bootstrap's CSS draws its check boxes and
# select arrows as data: SVG images, hence `img-src data:`.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ]
)


class ProxyHeadersMiddleware:
    """Drop X-Forwarded-Proto unless one of our proxies sent it; add the CSP to every page.

    First in settings.MIDDLEWARE, so SecurityMiddleware (HTTPS redirect, `request.is_secure`)
    never sees a protocol header a client forged.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.proxies = parse_proxies(settings.TRUSTED_PROXIES)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "HTTP_X_FORWARDED_PROTO" in request.META and not is_trusted(
            request.META.get("REMOTE_ADDR", "") or "", self.proxies
        ):
            del request.META["HTTP_X_FORWARDED_PROTO"]
        response = self.get_response(request)
        # Pages only: a PDF or a spreadsheet opened in the browser is shown by the browser's own
        # viewer, which a policy of `object-src 'none'` on the file itself would block.
        if response.get("Content-Type", "").startswith("text/html"):
            response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response
