"""Safe serving defaults: .streamlit/config.toml binds to this machine, checks the Host header
of WebSocket connections (DNS rebinding) and keeps XSRF and CORS protection on."""

import socket
import tomllib

import pytest

from e2e_harness import REPO, StreamlitServer


def test_the_config_binds_locally_and_checks_hosts():
    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text())["server"]
    assert config["address"] == "127.0.0.1"
    assert set(config["allowedHosts"]) == {"localhost", "127.0.0.1"}
    assert config["enableXsrfProtection"] is True and config["enableCORS"] is True
    assert 1 <= config["maxUploadSize"] <= 10


def _upgrade_status(port: int, host: str) -> int:
    """HTTP status of a WebSocket upgrade of /_stcore/stream sent with this Host and Origin."""
    request = (
        f"GET /_stcore/stream HTTP/1.1\r\nHost: {host}\r\nOrigin: http://{host}\r\n"
        "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request.encode())
        return int(sock.recv(256).split(b" ", 2)[1])


@pytest.fixture(scope="module")
def server():
    srv = StreamlitServer(REPO / "app.py")
    try:
        srv.wait_healthy()
        yield srv
    finally:
        srv.stop()


def test_a_foreign_host_header_is_refused_and_our_own_accepted(server):
    assert _upgrade_status(server.port, f"127.0.0.1:{server.port}") == 101
    assert _upgrade_status(server.port, f"localhost:{server.port}") == 101
    assert _upgrade_status(server.port, f"attacker.example:{server.port}") == 403  # DNS rebinding
