"""This installation's CA: made once, name-constrained to the allow-list, key at mode 0600, made again when
the allow-list changes; what mitmproxy mints from it verifies for allowed names only."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest

x509 = pytest.importorskip("cryptography.x509", reason="the forward extra is not installed")
from cryptography.x509.verification import PolicyBuilder, Store, VerificationError  # noqa: E402

from proxy.forward.ca import CA_FILE, load_or_create, permitted_domains  # noqa: E402


def minted(ca_dir: Path, host: str | None = None, ip: str | None = None) -> x509.Certificate:
    """A leaf made the way mitmproxy makes them for a connection (certs.dummy_cert: the CA's own key)."""
    from mitmproxy import certs

    store = certs.CertStore.from_files(ca_dir / CA_FILE, ca_dir / "dhparam.pem")
    sans: list[x509.GeneralName] = [x509.DNSName(host)] if host else []
    if ip:
        sans.append(x509.IPAddress(ipaddress.ip_address(ip)))
    return certs.dummy_cert(store.default_privatekey, store.default_ca._cert, host, sans)._cert


def verify(ca: x509.Certificate, leaf: x509.Certificate, host: str) -> str | None:
    verifier = PolicyBuilder().store(Store([ca])).build_server_verifier(x509.DNSName(host))
    try:
        verifier.verify(leaf, [])
        return None
    except VerificationError as e:
        return str(e)


def test_the_allow_list_becomes_name_constraints() -> None:
    assert permitted_domains(["gov.cn", "*.gov.cn"]) == ["gov.cn"]
    assert permitted_domains(["*.gov.cn", "www.beijing.gov.cn", "Example.ORG.", "*.test.gov.cn"]) == [
        "example.org", "gov.cn"]


def test_the_ca_is_constrained_and_its_key_private(tmp_path: Path) -> None:
    pytest.importorskip("mitmproxy")
    ca = load_or_create(tmp_path / "forward", ["gov.cn", "*.gov.cn"])
    assert (tmp_path / "forward" / CA_FILE).stat().st_mode & 0o777 == 0o600
    nc = ca.cert.extensions.get_extension_for_class(x509.NameConstraints)
    assert nc.critical
    assert [g.value for g in nc.value.permitted_subtrees] == ["gov.cn"]
    assert sorted(str(g.value) for g in nc.value.excluded_subtrees) == ["0.0.0.0/0", "::/0"]
    basic = ca.cert.extensions.get_extension_for_class(x509.BasicConstraints)
    assert basic.critical and basic.value.ca and basic.value.path_length == 0
    # what mitmproxy mints for an allowed name verifies; for any other name, or an address, it does not
    assert verify(ca.cert, minted(ca.dir, "www.example.gov.cn"), "www.example.gov.cn") is None
    assert "name constraint" in (verify(ca.cert, minted(ca.dir, "www.example.com"), "www.example.com") or "")
    assert "name constraint" in (verify(ca.cert, minted(ca.dir, "www.example.gov.cn", ip="10.0.0.1"),
                                        "www.example.gov.cn") or "")


def test_it_is_kept_and_made_again_when_the_allow_list_changes(tmp_path: Path) -> None:
    first = load_or_create(tmp_path, ["gov.cn", "*.gov.cn"])
    assert load_or_create(tmp_path, ["*.gov.cn", "gov.cn"]).cert == first.cert  # the same list, the same CA
    (tmp_path / CA_FILE).chmod(0o644)
    assert load_or_create(tmp_path, ["gov.cn"]).cert == first.cert
    assert (tmp_path / CA_FILE).stat().st_mode & 0o777 == 0o600
    second = load_or_create(tmp_path, ["gov.cn", "*.gov.cn", "*.edu.cn"])
    assert second.cert != first.cert and second.permitted == ["edu.cn", "gov.cn"]
    assert list(tmp_path.glob("mitmproxy-ca.old-*.pem"))  # the old one is kept, not lost


def test_the_ca_page_shows_the_fingerprint_and_offers_the_files(forward_env) -> None:  # type: ignore[no-untyped-def]
    import urllib.request

    ca = forward_env.ca
    with urllib.request.urlopen(f"{forward_env.proxy.url}/ca", timeout=10) as r:
        page = r.read().decode()
    assert ca.fingerprint("sha256") in page and ca.fingerprint("sha1") in page
    assert page.index("安装步骤") < page.index('<section lang="en"')  # Chinese first, then English
    for system in ("Windows", "macOS", "安卓", "iPhone", "Chrome", "Edge", "火狐", "Firefox"):
        assert system in page
    with urllib.request.urlopen(f"{forward_env.proxy.url}/ca.cer", timeout=10) as r:
        assert x509.load_der_x509_certificate(r.read()) == ca.cert
    with urllib.request.urlopen(f"{forward_env.proxy.url}/ca.pem", timeout=10) as r:
        assert x509.load_pem_x509_certificate(r.read()) == ca.cert
        assert r.headers["Content-Type"] == "application/x-x509-ca-cert"
