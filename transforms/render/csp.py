"""Our script and style added to a site's Content-Security-Policy by nonce, and nothing else changed.

The forward door's overlay runs on the site's own origin, under the site's own policy. CSP Level 3, as
Chromium and Firefox enforce it:

* `<script>` elements are governed by `script-src-elem`, else `script-src`, else `default-src`; stylesheets by
  `style-src-elem`, else `style-src`, else `default-src`. None of them: nothing to add.
* Our nonce goes into each present `*-src-elem` / `*-src` list. When only `default-src` governs, it stays as it
  is and `script-src <its sources> 'nonce-N'` is appended: the same effective policy plus our nonce.
* A list that honours `'unsafe-inline'` (no nonce or hash in it) gets nothing: a nonce would switch
  `'unsafe-inline'` off and break the site's own inline code. Our code then goes inline ("inline").
* `'none'` must stand alone: our nonce replaces it.
* Every policy is enforced on its own: each header, each comma-separated policy in one header value, and
  each `<meta http-equiv="Content-Security-Policy">` is edited.
"""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass

KINDS = ("script", "style")
FREE, NONCE, INLINE = "free", "nonce", "inline"  # how our code of a kind may be added, least to most constrained
_RANK = {FREE: 0, NONCE: 1, INLINE: 2}
_NONCE_OR_HASH = ("'nonce-", "'sha256-", "'sha384-", "'sha512-")


def new_nonce() -> str:
    return base64.b64encode(secrets.token_bytes(18)).decode()


@dataclass
class Needs:
    """What the policies seen so far let our code use, per kind: free, nonce (external or inline, with the
    nonce) or inline (inline only, without a nonce)."""

    script: str = FREE
    style: str = FREE

    def merge(self, kind: str, how: str) -> None:
        if _RANK[how] > _RANK[getattr(self, kind)]:
            setattr(self, kind, how)


def _parse(policy: str) -> list[tuple[str, list[str]]]:
    out = []
    for part in policy.split(";"):
        tokens = part.strip().split()
        if tokens:
            out.append((tokens[0].lower(), tokens[1:]))
    return out


def _serialise(directives: list[tuple[str, list[str]]]) -> str:
    return "; ".join(" ".join([name, *values]) for name, values in directives)


def _honours_unsafe_inline(values: list[str]) -> bool:
    low = [v.lower() for v in values]
    return ("'unsafe-inline'" in low and not any(v.startswith(_NONCE_OR_HASH) for v in low)
            and "'strict-dynamic'" not in low)


def _with(values: list[str], source: str) -> list[str]:
    if [v.lower() for v in values] in (["'none'"], []):
        return [source]
    return values if source in values else [*values, source]


def add_nonce(policy: str, nonce: str, needs: Needs) -> str:
    """One policy with our nonce where it is needed; `needs` learns how our code may be added."""
    directives = _parse(policy)
    source = f"'nonce-{nonce}'"
    for kind in KINDS:
        own = [i for i, (name, _) in enumerate(directives) if name in (f"{kind}-src-elem", f"{kind}-src")]
        default = [values for name, values in directives if name == "default-src"]
        if not own and not default:
            continue
        lists = [directives[i][1] for i in own] if own else default
        if any(_honours_unsafe_inline(values) for values in lists):
            needs.merge(kind, INLINE)
            continue
        needs.merge(kind, NONCE)
        if own:
            for i in own:
                directives[i] = (directives[i][0], _with(directives[i][1], source))
        else:
            directives.append((f"{kind}-src", _with(list(default[0]), source)))
    return _serialise(directives)


def rewrite(value: str, nonce: str, needs: Needs) -> str:
    """A header value (or a meta tag's content): each comma-separated policy edited on its own."""
    return ", ".join(add_nonce(p, nonce, needs) for p in value.split(",") if p.strip())
