"""The outbound client: only public addresses (checked on the connected socket), capped answers."""

from __future__ import annotations

import ipaddress
import threading
from http.server import BaseHTTPRequestHandler

import pytest
from flask import Flask

from catalyst_training.core import outbound
from tests.core.loopback import ok, serve

REFUSED = [
    "127.0.0.1",
    "::1",
    "10.1.2.3",
    "172.16.0.1",
    "192.168.1.1",
    "169.254.169.254",  # cloud metadata
    "100.100.100.200",  # carrier-grade NAT 100.64/10
    "64:ff9b::a9fe:a9fe",  # NAT64 form of 169.254.169.254
    "64:ff9b::a00:1",  # NAT64 form of 10.0.0.1
    "::ffff:127.0.0.1",  # IPv4-mapped loopback
    "::ffff:a9fe:a9fe",
    "2002:a9fe:a9fe::1",  # 6to4 wrapping 169.254.169.254
    "0.0.0.0",  # noqa: S104 - an address to refuse, not to bind
    "fc00::1",
    "fe80::1",
    "224.0.0.1",
]
ALLOWED = ["8.8.8.8", "2001:4860:4860::8888", "64:ff9b::808:808"]


@pytest.mark.parametrize("address", REFUSED)
def test_private_and_special_addresses_are_refused(address):
    assert not outbound.address_allowed(address, [])


@pytest.mark.parametrize("address", ALLOWED)
def test_public_addresses_are_allowed(address):
    assert outbound.address_allowed(address, [])


def test_configured_networks_are_allowed():
    assert outbound.address_allowed("127.0.0.1", [ipaddress.ip_network("127.0.0.0/8")])


def _app(allow: str = "") -> Flask:
    app = Flask("outbound-test")
    app.config["OUTBOUND_ALLOW"] = allow
    return app


def test_loopback_is_refused_before_any_byte_is_sent():
    with serve() as server, _app().app_context():
        server.routes["/x"] = ok
        port = server.server_address[1]
        for url in (f"http://127.0.0.1:{port}/x", f"http://localhost:{port}/x"):
            with pytest.raises(outbound.OutboundError) as caught:
                outbound.request("GET", url)
            assert caught.value.reason == "address"
        assert server.hits == []


def test_allowed_network_is_reached_and_answer_read():
    with serve() as server, _app("127.0.0.0/8").app_context():
        server.routes["/x"] = ok
        answer = outbound.request("GET", f"http://127.0.0.1:{server.server_address[1]}/x")
        assert answer.status_code == 200 and answer.json() == {"ok": True}


def test_redirect_hops_are_checked_again():
    with serve("127.0.0.2") as inner, serve() as outer:
        inner.routes["/secret"] = ok

        def redirect(handler: BaseHTTPRequestHandler) -> None:
            handler.send_response(302)
            handler.send_header("Location", f"http://127.0.0.2:{inner.server_address[1]}/secret")
            handler.end_headers()

        outer.routes["/go"] = redirect
        with _app("127.0.0.1/32").app_context():
            url = f"http://127.0.0.1:{outer.server_address[1]}/go"
            with pytest.raises(outbound.OutboundError) as caught:
                outbound.request("GET", url, max_redirects=3)
            assert caught.value.reason == "address"
            no_follow = outbound.request("GET", url)
            assert no_follow.status_code == 302
        assert inner.hits == []


def test_oversized_answer_is_cut_off_while_streaming():
    sent = []

    def huge(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.end_headers()
        try:
            for _ in range(64):  # 64 MiB if nobody stopped reading
                handler.wfile.write(b"x" * 2**20)
                sent.append(1)
        except OSError:
            return

    with serve() as server, _app("127.0.0.0/8").app_context():
        server.routes["/big"] = huge
        with pytest.raises(outbound.OutboundError) as caught:
            outbound.request(
                "GET", f"http://127.0.0.1:{server.server_address[1]}/big", max_bytes=2**20
            )
        assert caught.value.reason == "too_large"
    assert len(sent) < 64


def test_slow_answer_times_out():
    release = threading.Event()

    def stall(handler: BaseHTTPRequestHandler) -> None:
        release.wait(10)
        ok(handler)

    with serve() as server, _app("127.0.0.0/8").app_context():
        server.routes["/slow"] = stall
        try:
            with pytest.raises(outbound.OutboundError) as caught:
                outbound.request(
                    "GET", f"http://127.0.0.1:{server.server_address[1]}/slow", timeout=0.2
                )
            assert caught.value.reason == "unreachable"
        finally:
            release.set()


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/", "gopher://x/"])
def test_other_schemes_are_refused(url):
    with _app().app_context(), pytest.raises(outbound.OutboundError) as caught:
        outbound.request("GET", url)
    assert caught.value.reason == "scheme"


def test_shown_truncates_platform_answers():
    assert outbound.shown("x" * 600).endswith("…") and len(outbound.shown("x" * 600)) == 501
    assert outbound.shown(b"<b>ok</b>") == "<b>ok</b>"  # kept as text, escaped by templates
