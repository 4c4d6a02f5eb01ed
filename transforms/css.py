"""CSS from upstream, sanitised token by token (tinycss2), never by editing its text.

The tokenizer decodes escapes (`\\75 rl(` is `url(`), so what we check is what the browser would read. A
declaration survives only when its property is on the allow-list and every function in its value is; every
URL goes through the caller's policy (the proxy's /asset, or nothing). Output is built from the tokens we
kept, with strings and URLs written out by us, so it can never hold `<` and end a `<style>` element.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import tinycss2
from tinycss2 import ast

# (absolute or relative URL as written) -> URL to write instead, or None to drop the declaration
UrlPolicy = Callable[[str], str | None]

PROPERTIES = frozenset("""
align-content align-items align-self all animation animation-delay animation-direction animation-duration
animation-fill-mode animation-iteration-count animation-name animation-play-state animation-timing-function
aspect-ratio backface-visibility background background-attachment background-blend-mode background-clip
background-color background-image background-origin background-position background-position-x
background-position-y background-repeat background-size block-size border border-block border-block-color
border-block-end border-block-start border-block-style border-block-width border-bottom border-bottom-color
border-bottom-left-radius border-bottom-right-radius border-bottom-style border-bottom-width border-collapse
border-color border-image border-image-outset border-image-repeat border-image-slice border-image-source
border-image-width border-inline border-inline-end border-inline-start border-left border-left-color
border-left-style border-left-width border-radius border-right border-right-color border-right-style
border-right-width border-spacing border-style border-top border-top-color border-top-left-radius
border-top-right-radius border-top-style border-top-width border-width bottom box-decoration-break
box-shadow box-sizing break-after break-before break-inside caption-side caret-color clear clip clip-path
color column-count column-fill column-gap column-rule column-rule-color column-rule-style column-rule-width
column-span column-width columns contain container container-name container-type content counter-increment
counter-reset counter-set cursor direction display empty-cells filter flex flex-basis flex-direction
flex-flow flex-grow flex-shrink flex-wrap float font font-family font-feature-settings font-kerning
font-size font-size-adjust font-stretch font-style font-variant font-variant-caps font-variant-east-asian
font-variant-ligatures font-variant-numeric font-weight gap grid grid-area grid-auto-columns grid-auto-flow
grid-auto-rows grid-column grid-column-end grid-column-gap grid-column-start grid-gap grid-row grid-row-end
grid-row-gap grid-row-start grid-template grid-template-areas grid-template-columns grid-template-rows
hanging-punctuation height hyphens image-rendering inline-size inset inset-block inset-inline isolation
justify-content justify-items justify-self left letter-spacing line-break line-height list-style
list-style-image list-style-position list-style-type margin margin-block margin-block-end margin-block-start
margin-bottom margin-inline margin-inline-end margin-inline-start margin-left margin-right margin-top
mask mask-image mask-position mask-repeat mask-size max-block-size max-height max-inline-size max-width
min-block-size min-height min-inline-size min-width mix-blend-mode object-fit object-position opacity order
orphans outline outline-color outline-offset outline-style outline-width overflow overflow-wrap overflow-x
overflow-y padding padding-block padding-block-end padding-block-start padding-bottom padding-inline
padding-inline-end padding-inline-start padding-left padding-right padding-top page-break-after
page-break-before page-break-inside perspective perspective-origin place-content place-items place-self
position quotes resize right rotate row-gap ruby-align ruby-position scale scroll-behavior scroll-margin
scroll-padding tab-size table-layout text-align text-align-last text-combine-upright text-decoration
text-decoration-color text-decoration-line text-decoration-style text-decoration-thickness text-emphasis
text-emphasis-color text-emphasis-position text-emphasis-style text-indent text-justify text-orientation
text-overflow text-rendering text-shadow text-transform text-underline-offset text-underline-position top
transform transform-origin transform-style transition transition-delay transition-duration
transition-property transition-timing-function translate unicode-bidi user-select vertical-align visibility
white-space widows width will-change word-break word-spacing word-wrap writing-mode z-index zoom
src font-display unicode-range size
""".split())
VENDOR_PREFIXES = ("-webkit-", "-moz-", "-ms-", "-o-")
FUNCTIONS = frozenset("""
rgb rgba hsl hsla hwb lab lch oklab oklch color color-mix calc min max clamp var env attr counter counters
linear-gradient radial-gradient conic-gradient repeating-linear-gradient repeating-radial-gradient
repeating-conic-gradient matrix matrix3d translate translatex translatey translatez translate3d scale scalex
scaley scalez scale3d rotate rotatex rotatey rotatez rotate3d skew skewx skewy perspective cubic-bezier steps
blur brightness contrast drop-shadow grayscale hue-rotate invert opacity saturate sepia minmax repeat
fit-content local format rect inset circle ellipse polygon url
""".split())  # not image-set() or cross-fade(): they take URLs as plain strings, past the URL policy
# Rules whose body is more rules / declarations; every other at-rule (@import, @namespace, @document …) is
# dropped: an @import would pull in CSS that no sanitiser saw.
RULE_BLOCKS = frozenset({"media", "supports", "layer", "container"})
DECLARATION_BLOCKS = frozenset({"font-face", "page"})
KEYFRAMES = frozenset({"keyframes", "-webkit-keyframes", "-moz-keyframes"})


_PLAIN_URL = frozenset("/?=%&.:_~+-#;,@!$*")


class _Unsafe(Exception):
    """Raised inside a declaration or rule that cannot be kept."""


def sanitize_stylesheet(css: str, url_policy: UrlPolicy) -> str:
    """A whole stylesheet (a `<style>` element or a linked .css file)."""
    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    return "\n".join(_rules(rules, url_policy))


def sanitize_declarations(style: str, url_policy: UrlPolicy) -> str:
    """A `style` attribute."""
    return _declarations(tinycss2.parse_declaration_list(style, skip_comments=True, skip_whitespace=True),
                         url_policy)


def property_allowed(name: str) -> bool:
    if name.startswith("--"):
        return True  # custom properties: their values are checked like any other
    for prefix in VENDOR_PREFIXES:
        if name.startswith(prefix):
            name = name[len(prefix):]
            break
    return name in PROPERTIES


def _rules(nodes: Iterable[ast.Node], url_policy: UrlPolicy) -> list[str]:
    out = []
    for node in nodes:
        try:
            if node.type == "qualified-rule":
                body = _block(node.content, url_policy)
                if body:
                    out.append(f"{_tokens(node.prelude, url_policy).strip()}{{{body}}}")
            elif node.type == "at-rule":
                rule = _at_rule(node, url_policy)
                if rule:
                    out.append(rule)
        except _Unsafe:
            continue
    return out


def _at_rule(node: ast.AtRule, url_policy: UrlPolicy) -> str | None:
    name = node.lower_at_keyword
    prelude = _tokens(node.prelude, url_policy).strip()
    if node.content is None:
        return None
    if name in RULE_BLOCKS:
        inner = _rules(tinycss2.parse_rule_list(node.content, skip_comments=True, skip_whitespace=True),
                       url_policy)
        return f"@{name} {prelude}{{{''.join(inner)}}}"
    if name in DECLARATION_BLOCKS:
        return f"@{name} {prelude}{{{_block(node.content, url_policy)}}}"
    if name in KEYFRAMES:
        frames = _rules(tinycss2.parse_rule_list(node.content, skip_comments=True, skip_whitespace=True),
                        url_policy)
        return f"@{name} {prelude}{{{''.join(frames)}}}"
    return None


def _block(content: list[ast.Node], url_policy: UrlPolicy) -> str:
    return _declarations(tinycss2.parse_declaration_list(content, skip_comments=True, skip_whitespace=True),
                         url_policy)


def _declarations(nodes: Iterable[ast.Node], url_policy: UrlPolicy) -> str:
    kept = []
    for node in nodes:
        if node.type != "declaration" or not property_allowed(node.lower_name):
            continue
        try:
            value = _tokens(node.value, url_policy).strip()
        except _Unsafe:
            continue
        name = node.name if node.name.startswith("--") else node.lower_name
        if not _safe_name(name) or not value:
            continue
        kept.append(f"{name}:{value}{' !important' if node.important else ''}")
    return ";".join(kept)


def _tokens(tokens: Iterable[ast.Node], url_policy: UrlPolicy) -> str:
    """Serialise component values we accept; anything else makes the caller drop its rule or declaration."""
    parts = []
    for t in tokens:
        kind = t.type
        if kind == "comment":
            continue
        if kind == "url":
            parts.append(_policy_url(t.value, url_policy))
        elif kind == "string":
            parts.append(_string(t.value))
        elif kind == "function":
            parts.append(_function(t, url_policy))
        elif kind in ("() block", "[] block", "{} block"):
            opening = kind[0]
            closing = {"(": ")", "[": "]", "{": "}"}[opening]
            parts.append(f"{opening}{_tokens(t.content, url_policy)}{closing}")
        elif kind == "literal" and t.value in ("<", "<!--", "-->", "\\"):
            raise _Unsafe(kind)
        elif kind in ("error", "bad-url", "bad-string"):
            raise _Unsafe(kind)
        else:
            text = tinycss2.serialize([t])
            if "<" in text:
                raise _Unsafe(kind)
            parts.append(text)
    return "".join(parts)


def _function(t: ast.FunctionBlock, url_policy: UrlPolicy) -> str:
    name = t.lower_name
    if name not in FUNCTIONS or not _safe_name(name):
        raise _Unsafe(name)
    if name == "url":
        return _policy_url(_function_url(t), url_policy)
    return f"{name}({_tokens(t.arguments, url_policy)})"


def _function_url(t: ast.FunctionBlock) -> str:
    args = [a for a in t.arguments if a.type not in ("whitespace", "comment")]
    if len(args) != 1 or args[0].type != "string":
        raise _Unsafe("url() arguments")
    return args[0].value


def _policy_url(raw: str, url_policy: UrlPolicy) -> str:
    new = url_policy(raw)
    if new is None:
        raise _Unsafe("url refused")
    return _url(new)


def _url(value: str) -> str:
    """Unquoted when the URL needs no escaping (ours always: percent-encoded), a CSS string otherwise."""
    if value and all(c.isascii() and (c.isalnum() or c in _PLAIN_URL) for c in value):
        return f"url({value})"
    return f"url({_string(value)})"


def _string(value: str) -> str:
    """A CSS string that cannot end its `<style>` element or its attribute: every character that matters to
    HTML or to CSS strings is written as a CSS escape."""
    out = []
    for ch in value:
        if ch in '"\'\\<>&' or ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\{ord(ch):x} ")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _safe_name(name: str) -> bool:
    return not any(c in name for c in "<>&\\\"'") and all(ord(c) >= 0x20 for c in name)
