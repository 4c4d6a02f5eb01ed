/* a11y-proxy, forward door: the safe fixes on the site's live page (overlay mode), and reader settings that
 * follow the reader from site to site (every mode).
 *
 * Settings: the toolbar keeps them in the `a11y_settings` cookie of the site it runs on. When that cookie
 * changes here, this script tells the proxy (a same-origin request to our path on this site, which the proxy
 * answers itself and never forwards), so the next site opens with the same settings.
 *
 * Fixes (overlay mode only; the server already gave <html> a lang and opened the viewport):
 * - alt text from a caption, for images that have none: the figure's <figcaption>, the image's title, or the
 *   caption paragraph that government CMSes put under a picture ("图为……");
 * - labels for landmarks of a kind that occurs more than once unlabelled (two <nav>s): the heading inside
 *   each, else its kind and number, so a screen reader's landmark list tells them apart.
 * Nothing is removed or moved, and nothing of the site's own behaviour is touched.
 */
(function () {
  'use strict';

  var doc = document;
  var tb = doc.getElementById('a11y-tb');
  var base = (tb && tb.getAttribute('data-base')) || '/.well-known/a11y-proxy';

  /* ---------- settings follow the reader ---------- */

  function cookie() {
    var m = doc.cookie.match(/(?:^|;\s*)a11y_settings=([^;]*)/);
    return m ? m[1] : '';
  }
  var sent = cookie();

  function sync() {
    var now = cookie();
    if (now === sent) return;
    sent = now;
    try {
      fetch(base + '/prefs', { method: 'POST', credentials: 'same-origin', keepalive: true })
        .catch(function () { /* a site CSP without 'self' in connect-src: the next request carries it */ });
    } catch (e) { /* no fetch: same */ }
  }
  ['click', 'keydown'].forEach(function (type) {
    doc.addEventListener(type, function () { setTimeout(sync, 0); }, true);
  });

  if (!doc.getElementById('a11y-overlay')) return;

  /* ---------- fixes on the site's page ---------- */

  var zh = !/^en/i.test(doc.documentElement.lang || '');
  var KINDS = [
    ['nav, [role="navigation"]', zh ? '导航' : 'Navigation'],
    ['aside, [role="complementary"]', zh ? '侧栏' : 'Sidebar'],
    ['[role="search"]', zh ? '搜索' : 'Search']
  ];
  var JUNK_ALT = /^\s*$|\.(jpe?g|png|gif|webp|bmp|svg)\s*$|^(img|image|pic|photo|图片)\s*\d*$/i;
  var CAPTION = /^\s*(图为|图：|图:|▲|△|上图|下图|图\d)/;

  function text(el) {
    return String(el.textContent || '').replace(/\s+/g, ' ').trim();
  }

  function ours(el) {
    return !!el.closest('#a11y-overlay');
  }

  function captionOf(img) {
    var figure = img.closest('figure');
    var cap = figure && figure.querySelector('figcaption');
    if (cap && text(cap)) return text(cap);
    var title = (img.getAttribute('title') || '').trim();
    if (title) return title;
    var block = img.closest('p, div, td, center');
    var next = block && block.nextElementSibling;
    if (next && !next.querySelector('img')) {
      var t = text(next);
      if (t && t.length <= 120 && CAPTION.test(t)) return t;
    }
    return '';
  }

  function fixAlts() {
    doc.querySelectorAll('img').forEach(function (img) {
      if (ours(img) || img.hasAttribute('data-a11y-alt-fixed')) return;
      var alt = img.getAttribute('alt');
      if (alt !== null && !JUNK_ALT.test(alt)) return;
      if (alt === '' && !img.closest('figure')) return; // alt="" outside a figure: the site says decorative
      var caption = captionOf(img);
      if (caption) {
        img.setAttribute('alt', caption);
        img.setAttribute('data-a11y-alt-fixed', '');
      }
    });
  }

  function labelled(el) {
    return el.hasAttribute('aria-label') || el.hasAttribute('aria-labelledby') || el.hasAttribute('title');
  }

  function fixLandmarks() {
    KINDS.forEach(function (kind) {
      var all = Array.prototype.filter.call(doc.querySelectorAll(kind[0]), function (el) { return !ours(el); });
      var bare = all.filter(function (el) { return !labelled(el); });
      if (all.length < 2 || !bare.length) return;
      var used = {};
      bare.forEach(function (el, i) {
        var heading = el.querySelector('h1, h2, h3, h4, h5, h6');
        var name = heading && text(heading) ? text(heading).slice(0, 40) : kind[1] + ' ' + (i + 1);
        if (used[name]) name += ' ' + (i + 1);
        used[name] = true;
        el.setAttribute('aria-label', name);
      });
    });
  }

  function fix() {
    fixAlts();
    fixLandmarks();
  }

  if (doc.readyState === 'loading') doc.addEventListener('DOMContentLoaded', fix); else fix();
  window.addEventListener('load', fixAlts); // pictures the site's scripts added
})();
