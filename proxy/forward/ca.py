"""This installation's own certificate authority, name-constrained to the allow-list.

Made with `cryptography` on first start and written where mitmproxy reads its CA (`<dir>/mitmproxy-ca.pem`, the
key and the certificate, mode 0600); mitmproxy mints every site's certificate from it. It carries a critical
X.509 Name Constraints extension: DNS names under the allowed domains only, and no IP address at all. A browser
that trusts it therefore accepts it for `*.gov.cn` and nothing else, so a stolen key cannot impersonate a bank.
The constraint is part of the certificate, so a changed allow-list needs a new CA: `load_or_create` makes one
when the stored CA's constraint no longer matches (or it is about to expire).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import ipaddress
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

log = logging.getLogger("a11y_proxy.forward")
CA_FILE = "mitmproxy-ca.pem"  # mitmproxy's name for it (options.CONF_BASENAME + "-ca.pem")
LIFETIME = dt.timedelta(days=3650)
RENEW_BEFORE = dt.timedelta(days=30)
NO_ADDRESSES = [x509.IPAddress(ipaddress.ip_network("0.0.0.0/0")), x509.IPAddress(ipaddress.ip_network("::/0"))]


def permitted_domains(allowed_hosts: list[str]) -> list[str]:
    """The allow-list as DNS name-constraint subtrees. An RFC 5280 dNSName subtree `gov.cn` covers gov.cn and
    every name under it, so `gov.cn` and `*.gov.cn` are one entry; an exact host `www.x.cn` also permits its
    subdomains (a constraint cannot say "this name only"), which the allow-list still refuses."""
    out: list[str] = []
    for host in allowed_hosts:
        name = host.lower().rstrip(".").removeprefix("*.").lstrip(".")
        try:
            name = name.encode("idna").decode("ascii")
        except UnicodeError:
            continue
        if name and name not in out:
            out.append(name)
    return sorted(n for n in out if not any(n != o and n.endswith("." + o) for o in out))


@dataclass
class CertificateAuthority:
    dir: Path
    cert: x509.Certificate

    @property
    def file(self) -> Path:
        return self.dir / CA_FILE

    @property
    def pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)

    @property
    def der(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.DER)

    def fingerprint(self, algorithm: str = "sha256") -> str:
        digest = hashes.SHA256() if algorithm == "sha256" else hashes.SHA1()  # Windows shows SHA-1 thumbprints
        return self.cert.fingerprint(digest).hex(":").upper()

    @property
    def spki_sha256(self) -> str:
        """What Chromium's --ignore-certificate-errors-spki-list takes."""
        spki = self.cert.public_key().public_bytes(serialization.Encoding.DER,
                                                   serialization.PublicFormat.SubjectPublicKeyInfo)
        return base64.b64encode(hashlib.sha256(spki).digest()).decode()

    @property
    def permitted(self) -> list[str]:
        return constraint_of(self.cert)

    @property
    def expires(self) -> dt.datetime:
        return self.cert.not_valid_after_utc


def constraint_of(cert: x509.Certificate) -> list[str]:
    try:
        nc = cert.extensions.get_extension_for_class(x509.NameConstraints).value
    except x509.ExtensionNotFound:
        return []
    return sorted(str(g.value) for g in nc.permitted_subtrees or [] if isinstance(g, x509.DNSName))


def make_ca(domains: list[str]) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "a11y-proxy local CA"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "a11y-proxy (this installation only)")])
    now = dt.datetime.now(dt.UTC)
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + LIFETIME)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                     crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.NameConstraints(permitted_subtrees=[x509.DNSName(d) for d in domains],
                                            excluded_subtrees=NO_ADDRESSES), critical=True)
        .add_extension(ski, critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski), critical=False)
        .sign(key, hashes.SHA256())
    )
    return key, cert


def load_or_create(directory: Path, allowed_hosts: list[str]) -> CertificateAuthority:
    """The stored CA when it still fits the allow-list, else a new one (the old file is kept beside it)."""
    domains = permitted_domains(allowed_hosts)
    if not domains:
        raise ValueError("upstream.allowed_hosts names no domain for the forward proxy's CA")
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = directory / CA_FILE
    if path.exists():
        cert = x509.load_pem_x509_certificates(path.read_bytes())[0]
        due = cert.not_valid_after_utc - RENEW_BEFORE <= dt.datetime.now(dt.UTC)
        if constraint_of(cert) == domains and not due:
            if path.stat().st_mode & 0o077:
                os.chmod(path, 0o600)
                log.warning("forward proxy: %s was readable by others; it is now mode 0600", path)
            return CertificateAuthority(directory, cert)
        old = path.with_suffix(f".old-{cert.serial_number:x}.pem")
        os.replace(path, old)
        log.warning("forward proxy: a new CA is made (%s); every browser must trust the new one (see /ca). "
                    "The old one is kept as %s", "it expires soon" if due else
                    f"the allow-list changed: {', '.join(constraint_of(cert))} -> {', '.join(domains)}", old)
    key, cert = make_ca(domains)
    data = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()) + cert.public_bytes(serialization.Encoding.PEM)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.replace(tmp, path)
    log.info("forward proxy: made this installation's CA in %s (permitted: %s)", path, ", ".join(domains))
    return CertificateAuthority(directory, cert)
