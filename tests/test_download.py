"""The downloader against a local HTTP server on 127.0.0.1 (never a real host)."""

import hashlib
import http.server
import threading
from functools import partial

import pytest

from vae_core.download import download_dataset, md5sum


@pytest.fixture
def server(tmp_path):
    """Serve tmp_path/'www' on a free loopback port; yields (base_url, folder, request log)."""
    www = tmp_path / "www"
    www.mkdir()
    requests = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            requests.append(self.path)

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(Handler, directory=str(www)))
    # shutdown() waits for serve_forever's next poll: 0.5 s by default, longer than the test itself
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/", www, requests
    httpd.shutdown()
    httpd.server_close()


def test_downloads_checks_and_skips_present_files(server, tmp_path):
    base_url, www, requests = server
    (www / "a.gz").write_bytes(b"alpha" * 1000)
    (www / "b.gz").write_bytes(b"beta" * 1000)
    files = {n: hashlib.md5((www / n).read_bytes()).hexdigest() for n in ("a.gz", "b.gz")}
    dest = tmp_path / "data"
    paths = download_dataset("mnist", dest, base_url=base_url, files=files, progress=False)
    assert [p.name for p in paths] == ["a.gz", "b.gz"]
    assert all(md5sum(p) == files[p.name] for p in paths)
    assert len(requests) == 2
    download_dataset("mnist", dest, base_url=base_url, files=files, progress=False)
    assert len(requests) == 2  # nothing fetched again
    assert sorted(p.name for p in dest.iterdir()) == ["a.gz", "b.gz"]  # no temp files left


def test_corrupt_download_is_discarded(server, tmp_path):
    base_url, www, _ = server
    (www / "a.gz").write_bytes(b"tampered")
    dest = tmp_path / "data"
    with pytest.raises(ValueError, match="a.gz: MD5 .* does not match"):
        download_dataset("mnist", dest, base_url=base_url, files={"a.gz": "0" * 32}, progress=False)
    assert not dest.exists()  # no partial file, and the folder the call created is removed again


def test_missing_file_and_unknown_dataset(server, tmp_path):
    base_url, _, _ = server
    with pytest.raises(ConnectionError, match="missing.gz"):
        download_dataset("mnist", tmp_path / "d", base_url=base_url, files={"missing.gz": "0" * 32}, progress=False)
    with pytest.raises(ValueError, match="unknown dataset"):
        download_dataset("cifar", tmp_path / "d")
