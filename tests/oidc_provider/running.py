"""The test OpenID Connect provider as a running process, for the single sign-on tests
(tests/governance/test_oidc.py) and the browser journey (tests/e2e)."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "provider-password"


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Provider:
    def __init__(self, directory, *, callback, after_logout):
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        key_file = directory / "key.pem"
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        key_file.write_bytes(pem)
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.oidc_provider.settings",
            "OIDC_PROVIDER_DB": str(directory / "provider.sqlite3"),
            "OIDC_PROVIDER_KEY": str(key_file),
            "PYTHONPATH": str(ROOT),
        }
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.control("setup", callback, after_logout)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "django", "runserver", f"127.0.0.1:{self.port}", "--noreload", "--skip-checks"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                requests.get(f"{self.url}/o/.well-known/openid-configuration", timeout=1).raise_for_status()
                return
            except requests.RequestException:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("the test OIDC provider did not start")

    def control(self, *args):
        subprocess.run([sys.executable, "-m", "tests.oidc_provider.control", *args], cwd=ROOT, env=self.env, check=True)

    def person(self, username, *groups):
        self.control("user", username, f"{username}@example.com", PASSWORD, *groups)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)
