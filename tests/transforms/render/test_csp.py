"""Our nonce added to a site's Content-Security-Policy, and nothing else changed."""

from __future__ import annotations

import pytest

from transforms.render import csp

N = "N0NCE"
CASES = [
    # (site policy, the policy with our nonce, how our script / style may be added)
    ("default-src 'self'", "default-src 'self'; script-src 'self' 'nonce-N0NCE'; style-src 'self' 'nonce-N0NCE'",
     ("nonce", "nonce")),
    ("script-src 'nonce-site' 'strict-dynamic'; object-src 'none'; base-uri 'none'",
     "script-src 'nonce-site' 'strict-dynamic' 'nonce-N0NCE'; object-src 'none'; base-uri 'none'", ("nonce", "free")),
    ("default-src 'self'; script-src 'self' https://cdn.example.gov.cn; style-src 'self' 'unsafe-inline'",
     "default-src 'self'; script-src 'self' https://cdn.example.gov.cn 'nonce-N0NCE'; style-src 'self' 'unsafe-inline'",
     ("nonce", "inline")),
    ("script-src 'none'; style-src 'none'; img-src *", "script-src 'nonce-N0NCE'; style-src 'nonce-N0NCE'; img-src *",
     ("nonce", "nonce")),
    ("script-src-elem 'self'; script-src 'self' 'unsafe-eval'",
     "script-src-elem 'self' 'nonce-N0NCE'; script-src 'self' 'unsafe-eval' 'nonce-N0NCE'", ("nonce", "free")),
    ("img-src 'self'; frame-ancestors 'none'", "img-src 'self'; frame-ancestors 'none'", ("free", "free")),
    ("default-src 'self' 'unsafe-inline'", "default-src 'self' 'unsafe-inline'", ("inline", "inline")),
    # two policies in one header value: each enforced, each edited
    ("script-src 'self', default-src 'none'",
     "script-src 'self' 'nonce-N0NCE', default-src 'none'; script-src 'nonce-N0NCE'; style-src 'nonce-N0NCE'",
     ("nonce", "nonce")),
]


@pytest.mark.parametrize(("policy", "expected", "how"), CASES)
def test_our_nonce_goes_where_it_is_needed_and_nowhere_else(policy: str, expected: str, how: tuple[str, str]) -> None:
    needs = csp.Needs()
    assert csp.rewrite(policy, N, needs) == expected
    assert (needs.script, needs.style) == how


def test_the_strictest_policy_decides() -> None:
    needs = csp.Needs()
    csp.rewrite("script-src 'self'", N, needs)
    csp.rewrite("script-src 'unsafe-inline'", N, needs)
    assert needs.script == "inline"
    csp.rewrite("script-src 'self'", N, needs)
    assert needs.script == "inline"
