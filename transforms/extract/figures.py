"""Pictures in the body: a picture and its caption line become `figure` + `figcaption`; every content picture has
alt text: its own alt or title, else its caption, else what the page tells of it (图表：… from its file name).
Spacers and icons are dropped. (In the pages we serve, an alt that repeats the caption is replaced by the kind of
picture, 图片 or 图表, so a screen reader does not say it twice: render/layout.py. The Article keeps the words,
which the speech text announces once: 图片：说明.)"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from lxml import html as lxml_html

from ..article import Image
from .script import squash
from .titles import norm

MAX_CAPTION = 80
_CAPTION_HINT = re.compile(r"center|caption|pic|img|photo|tuzhu|note|desc|txt|text|title|tit", re.I)
_CAPTION_START = ("图", "▲", "△", "（图", "(图", "上图", "下图", "摄影", "图为")
_CHART = re.compile(r"^图\s*\d|图表|统计|数据|增长|增速|变动|走势|趋势|比重|构成|分布|对比|情况|指数|产量|总量|柱状|折线|饼图"
                    r"|chart|graph|tubiao", re.I)
_DECORATIVE = re.compile(r"spacer|blank|pixel|transparent|/dot|bullet|arrow|icon|/line\.|/bg|clear\.gif", re.I)
_FILE_WORDS = re.compile(r"[0-9\u4e00-\u9fff]*[\u4e00-\u9fff][0-9\u4e00-\u9fff]*")
PHOTO, CHART = "图片", "图表"
MIN_SIZE = 16  # pixels: smaller is an icon or a spacer


def _decorative(img: lxml_html.HtmlElement) -> bool:
    sizes = [img.get("width") or "", img.get("height") or ""]
    tiny = any(s.isdigit() and int(s) <= MIN_SIZE for s in sizes)
    return tiny or (bool(_DECORATIVE.search(img.get("src") or "")) and not (img.get("alt") or "").strip())


def _caption_after(holder: lxml_html.HtmlElement, alt: str) -> lxml_html.HtmlElement | None:
    """The caption line right after the picture's holder: hinted (centred, a caption class), starting like one
    (图为…, ▲), or the same words as the picture's alt."""
    nxt = holder.getnext()
    if nxt is None or nxt.tag not in ("p", "div", "span", "center") or nxt.find(".//img") is not None:
        return None
    text = squash(nxt.text_content())
    hint = f"{nxt.get('style') or ''} {nxt.get('class') or ''} {nxt.get('align') or ''} {nxt.tag}"
    if 0 < len(text) <= MAX_CAPTION and nxt.find(".//a") is None and (
            _CAPTION_HINT.search(hint) or text.startswith(_CAPTION_START) or (alt and norm(alt) == norm(text))):
        return nxt
    return None


def _caption_inside(holder: lxml_html.HtmlElement, img: lxml_html.HtmlElement) -> lxml_html.HtmlElement | None:
    """`<div class="pic"><img><div>说明</div></div>`: a short element after the picture in the same holder."""
    after = [c for c in img.itersiblings() if isinstance(c.tag, str)]
    if len(after) != 1 or (img.tail or "").strip() or after[0].find(".//img") is not None:
        return None
    text = squash(after[0].text_content())
    return after[0] if 0 < len(text) <= MAX_CAPTION and after[0].find(".//a") is None else None


def _figcaption(img: lxml_html.HtmlElement) -> str:
    figure = next((a for a in img.iterancestors() if a.tag == "figure"), None)
    cap = figure.find(".//figcaption") if figure is not None else None
    return squash(cap.text_content()) if cap is not None else ""


def _file_hint(src: str) -> str:
    """Chinese words in the image's file name (`/2023年GDP增长.png`), "" for `W020190329528811.png`."""
    name = unquote(urlsplit(src).path.rsplit("/", 1)[-1])
    return " ".join(w for w in _FILE_WORDS.findall(name.rsplit(".", 1)[0]) if len(w) >= 2)


def alt_text(img: lxml_html.HtmlElement, caption: str) -> str:
    given = squash(img.get("alt") or "") or squash(img.get("title") or "")
    if given:
        return given
    if caption:
        return caption
    kind = CHART if _CHART.search(img.get("src") or "") else PHOTO  # given and caption are empty here
    hint = _file_hint(img.get("src") or "")
    return f"{kind}：{hint}" if hint else kind


def figures(root: lxml_html.HtmlElement) -> list[Image]:
    """Wrap a lone picture and its caption line in figure/figcaption; give alt text; list every picture."""
    images = []
    for img in list(root.iter("img")):
        src = (img.get("src") or "").strip()
        if not src or src.startswith("data:") or _decorative(img):
            img.drop_tree()
            continue
        holder = img.getparent()
        caption = None
        given = squash(img.get("alt") or "")
        if holder is not None and holder is not root and holder.tag in ("p", "div", "span", "a", "center"):
            if not squash(holder.text_content()):
                caption = _caption_after(holder, given)
            else:
                caption = _caption_inside(holder, img)
        text = squash(caption.text_content()) if caption is not None else _figcaption(img)
        alt = alt_text(img, text)
        img.set("alt", alt)
        if caption is not None and holder is not None:
            holder.tag = "figure"
            caption.tag = "figcaption"
            if caption.getparent() is not holder:
                holder.append(caption)
        images.append(Image(src=src, alt=alt, caption=text))
    return images
