/* a11y-proxy toolbar (vanilla JS, no framework, talks only to its own server).
 *
 * Settings that change the first paint (font step, theme, line spacing, speech source, rate) live in the
 * `a11y_settings` cookie, in the format of Settings.encode/decode (transforms/context.py: `f2.tdark.l1.sserver.r2`),
 * so the server renders the next page with the right classes on <html>; localStorage keeps a copy and the
 * on/off aids (cursor, cross-hair, captions, text only, point-reading, sound).
 *
 * Speech: the server's per-sentence audio (/audio/segment) is the dependable path; the Web Speech API is
 * used when the reader chose the browser's voice and one exists for the page's language. Without either,
 * 连读 still walks the page paragraph by paragraph (highlight + caption) on a timer.
 */
(function () {
  'use strict';

  var doc = document;
  var root = doc.documentElement;
  var COOKIE = 'a11y_settings';
  var STORE = 'a11y-proxy';
  var PERCENT = [100, 125, 150, 175, 200, 250];
  var THEMES = ['default', 'dark', 'blue', 'chocolate', 'yellow'];
  var RATES = [0.6, 0.8, 1, 1.25, 1.5];
  var TOGGLE_CLASS = { cursor: 'big-cursor', cross: 'cross-on', caption: 'caption-on', textonly: 'text-only' };
  var TOGGLES = ['sound', 'point', 'cursor', 'cross', 'caption', 'textonly'];
  var SCRIPTS = ['hans', 'hant-tw', 'hant-hk'];
  var SHORTCUTS = {
    KeyV: 'sound', KeyS: 'rate', KeyP: 'point', KeyX: 'read', ArrowUp: 'bigger', ArrowDown: 'smaller',
    Backquote: 'theme', KeyM: 'cursor', KeyC: 'cross', KeyB: 'caption', KeyT: 'textonly', KeyY: 'pinyin',
    KeyJ: 'script', KeyR: 'reset', Slash: 'help', Digit1: 'nav', Digit2: 'main'
  };
  var DEFAULTS = { font: 0, theme: 'default', spacing: 0, speech: 'server', rate: 2, script: 'hans', pinyin: false,
    sound: true, point: false, cursor: false, cross: false, caption: false, textonly: false };

  bookmarklets();
  var tb = doc.getElementById('a11y-tb');
  if (!tb) return;

  var S = JSON.parse((doc.getElementById('a11y-strings') || {}).textContent || '{}');
  var live = doc.getElementById('a11y-live');
  var captionBox = doc.getElementById('a11y-caption');
  var captionText = doc.getElementById('a11y-caption-text');
  var crossH = tb.querySelector('.a11y-cross-h');
  var crossV = tb.querySelector('.a11y-cross-v');
  var help = doc.getElementById('a11y-help');
  var pageUrl = tb.getAttribute('data-page-url') || '';
  var base = tb.getAttribute('data-base') || ''; // where our server's endpoints live on this page's origin
  var serverAudio = tb.getAttribute('data-audio') === '1';
  var skip = doc.querySelector('.skip-link');
  var mainId = skip ? skip.getAttribute('href').slice(1) : 'main';
  var pageScript = tb.getAttribute('data-script') || 'hans';

  /* ---------- settings: cookie first (what the server rendered), then localStorage ---------- */

  function parseParts(value) {
    var v = {};
    String(value || '').split('.').slice(0, 8).forEach(function (part) {
      if (part.length >= 2) v[part[0]] = part.slice(1);
    });
    function num(key, hi, fallback) {
      return /^\d+$/.test(v[key] || '') && +v[key] <= hi ? +v[key] : fallback;
    }
    var script = { hant: 'hant-tw', tw: 'hant-tw', hk: 'hant-hk' }[v.c] || v.c;
    return { font: num('f', PERCENT.length - 1, 0), theme: THEMES.indexOf(v.t) >= 0 ? v.t : 'default',
      spacing: num('l', 2, 0), speech: v.s === 'browser' ? 'browser' : 'server', rate: num('r', 4, 2),
      script: SCRIPTS.indexOf(script) >= 0 ? script : 'hans', pinyin: v.p === '1' };
  }

  function cookieValue() {
    var m = doc.cookie.match(/(?:^|;\s*)a11y_settings=([^;]*)/);
    return m ? decodeURIComponent(m[1]) : null;
  }

  function loadStore() {
    try { return JSON.parse(localStorage.getItem(STORE) || '{}') || {}; } catch (e) { return {}; }
  }

  var stored = loadStore();
  var fromCookie = cookieValue();
  var state = Object.assign({}, DEFAULTS, parseParts(fromCookie || stored.cookie || ''));
  state.hant = stored.hant || (state.script !== 'hans' ? state.script : 'hant-tw');  // 繁體's variant, kept when off
  TOGGLES.forEach(function (k) {
    if (stored.toggles && typeof stored.toggles[k] === 'boolean') state[k] = stored.toggles[k];
  });

  /** The cookie's text form: exactly Settings.encode() (the reading aids only when on). */
  function settingsValue() {
    return 'f' + state.font + '.t' + state.theme + '.l' + state.spacing + '.s' + state.speech + '.r' + state.rate +
      (state.script !== 'hans' ? '.c' + state.script : '') + (state.pinyin ? '.p1' : '');
  }

  function save() {
    var value = settingsValue();
    doc.cookie = COOKIE + '=' + value + '; path=/; max-age=31536000; SameSite=Lax';
    var toggles = {};
    TOGGLES.forEach(function (k) { toggles[k] = state[k]; });
    try {
      localStorage.setItem(STORE, JSON.stringify({ cookie: value, toggles: toggles, hant: state.hant || stored.hant }));
    } catch (e) { /* private mode */ }
  }

  /* ---------- showing the state: classes on <html>, aria-pressed, labels ---------- */

  function apply() {
    var keep = root.className.split(/\s+/).filter(function (c) {
      return c && !/^(theme-\w+|font-\d|spacing-\d|big-cursor|cross-on|caption-on|text-only)$/.test(c);
    });
    keep.push('theme-' + state.theme, 'font-' + state.font, 'spacing-' + state.spacing);
    Object.keys(TOGGLE_CLASS).forEach(function (k) { if (state[k]) keep.push(TOGGLE_CLASS[k]); });
    root.className = keep.join(' ');
    tb.querySelectorAll('button[aria-pressed], [role="menuitemcheckbox"]').forEach(function (b) {
      var action = b.getAttribute('data-action') || b.getAttribute('data-menu-action');
      var on = action === 'read' ? reader.active : action === 'script' ? state.script !== 'hans' : !!state[action];
      b.setAttribute(b.hasAttribute('aria-pressed') ? 'aria-pressed' : 'aria-checked', on ? 'true' : 'false');
    });
    setState('rate', S['rate_' + state.rate]);
    setState('theme', S['theme_' + state.theme]);
    if (state.textonly) addAltTexts();
    if (!state.point && pointed) { pointed.classList.remove('a11y-pointed'); pointed = null; }
    fitCaption();
  }

  function setState(action, text) {
    if (!text) return;
    doc.querySelectorAll('[data-action="' + action + '"] .a11y-state, [data-menu-action="' + action + '"] .a11y-state, ' +
      '[data-player="' + action + '"] .a11y-state').forEach(function (span) { span.textContent = text; });
  }

  function announce(message) {
    live.textContent = '';
    setTimeout(function () { live.textContent = message; }, 60);
  }

  function onOff(action) {
    return (S['tb_' + action] || action) + ' ' + (state[action] ? S.on : S.off);
  }

  /* ---------- captions, cross-hair, text only ---------- */

  function caption(text) {
    captionText.textContent = text || '';
    fitCaption();
  }

  function fitCaption() {
    // keep the end of the page readable above the bar
    doc.body.style.paddingBottom = state.caption ? (captionBox.offsetHeight + 16) + 'px' : '';
  }

  function moveCross(x, y) {
    crossH.style.top = Math.round(y - 2) + 'px';
    crossV.style.left = Math.round(x - 2) + 'px';
  }

  function addAltTexts() {
    doc.querySelectorAll('img').forEach(function (img) {
      if (img.hasAttribute('data-a11y-alt')) return;
      img.setAttribute('data-a11y-alt', '');
      var alt = (img.getAttribute('alt') || '').trim();
      if (!alt) return;
      var span = doc.createElement('span');
      span.className = 'a11y-alt';
      span.textContent = '［' + (S.image || '') + '：' + alt + '］';
      img.insertAdjacentElement('afterend', span);
    });
  }

  /* ---------- speech ---------- */

  function norm(s) { return String(s || '').replace(/[\s\u3000]+/g, ''); }

  function textOf(el) {
    var t = el.getAttribute('aria-label') || (el.tagName === 'IMG' ? el.alt : el.innerText || el.textContent);
    return String(t || '').replace(/\s+/g, ' ').trim();
  }

  function splitSentences(text) {
    var parts = text.match(/[^。！？!?；;]+[。！？!?；;]*[”’」』）)]*/g) || [text];
    return parts.map(function (s) { return s.trim(); }).filter(Boolean);
  }

  var speech = {
    token: 0,
    timer: 0,
    audio: null,
    list: null,
    warned: false,
    /** The server's sentences for this page (what its segments are cut from), or [] without audio. */
    sentences: function () {
      return this.items().then(function (items) { return items.map(function (x) { return x.text; }); });
    },
    /** The server's sentences as objects: {text (as written, in the page's script), start, end (seconds into
     * the whole article's audio, when the server gives them: the player's timing hook), chars}. */
    items: function () {
      if (!this.list) {
        var script = pageScript !== 'hans' ? '&script=' + encodeURIComponent(pageScript) : '';
        this.list = !serverAudio ? Promise.resolve([]) :
          fetch(base + '/audio/sentences?url=' + encodeURIComponent(pageUrl) + script, { credentials: 'same-origin' })
            .then(function (r) { return r.ok ? r.json() : []; })
            .then(function (data) {
              // {sentences: [{i, text, paragraph, heading, audio, start?, end?}]} (proxy/app/routes/audio.py;
              // start and end once the whole article's audio is made at this 语速)
              var items = Array.isArray(data) ? data : (data && data.sentences) || [];
              return items.map(function (x) {
                var text = typeof x === 'string' ? x : (x && x.text) || '';
                var timed = x && typeof x.start === 'number' && typeof x.end === 'number' && x.end > x.start;
                return { text: text, start: timed ? x.start : null, end: timed ? x.end : null, chars: norm(text).length };
              });
            })
            .catch(function () { return []; });
      }
      return this.list;
    },
    voice: function () {
      if (!('speechSynthesis' in window)) return null;
      var lang = (root.lang || 'zh').slice(0, 2).toLowerCase();
      return speechSynthesis.getVoices().filter(function (v) {
        return v.lang.toLowerCase().indexOf(lang) === 0;
      })[0] || null;
    },
    /** Speak one unit {text, index}; `done` runs once when it is over, whatever happened. */
    speak: function (unit, done) {
      this.stop();
      var token = this.token;
      var self = this;
      var finished = false;
      function finish() {
        if (token === self.token && !finished) { finished = true; done(); }
      }
      var voice = this.voice();
      if (!state.sound) return this.silent(unit.text, finish);
      if (voice && (state.speech === 'browser' || unit.index == null || !serverAudio)) {
        return this.browser(unit.text, voice, finish);
      }
      if (serverAudio && unit.index != null) return this.server(unit, finish, token);
      if (!serverAudio) this.noVoice(); // else: a block the server's text leaves out; show it, then go on
      return this.silent(unit.text, finish);
    },
    server: function (unit, finish, token) {
      var self = this;
      var a = this.audio || (this.audio = new Audio());
      var fellBack = false;
      function fallback() {
        if (fellBack || token !== self.token) return;
        fellBack = true;
        self.noVoice();
        self.silent(unit.text, finish);
      }
      a.onended = finish;
      a.onerror = fallback;
      // the server speaks at the reader's 语速 (from the cookie), so no playbackRate here
      a.src = base + '/audio/segment?url=' + encodeURIComponent(pageUrl) + '&i=' + unit.index;
      var playing = a.play();
      if (playing && playing.catch) playing.catch(fallback);
    },
    browser: function (text, voice, finish) {
      var u = new SpeechSynthesisUtterance(text);
      u.voice = voice;
      u.lang = voice.lang;
      u.rate = RATES[state.rate];
      u.onend = finish;
      u.onerror = finish;
      speechSynthesis.speak(u);
    },
    /** No sound: give the reader time to read the highlighted text, then move on. */
    silent: function (text, finish) {
      this.timer = setTimeout(finish, Math.max(1500, text.length * 220 / RATES[state.rate]));
    },
    noVoice: function () {
      if (!this.warned) { this.warned = true; announce(S.no_voice); }
    },
    stop: function () {
      this.token++;
      clearTimeout(this.timer);
      if (this.audio) { this.audio.onended = this.audio.onerror = null; this.audio.pause(); }
      if ('speechSynthesis' in window) speechSynthesis.cancel();
    }
  };

  /* ---------- 连读: paragraph by paragraph, highlighted, ←/→ to skip ---------- */

  var BLOCKS = 'h1,h2,h3,h4,h5,h6,p,li,dt,dd,figcaption,caption,blockquote,tr,pre,.img-alt';
  var SKIP_INSIDE = '#a11y-tb, nav, .toc, .listen, .page-links, [aria-hidden="true"], [hidden]';

  /** Give each block the server sentences found in its text (in order, looking a few blocks ahead), or
   * its own sentences (no server audio) when none match. */
  function units(blocks, sentences) {
    var flats = blocks.map(function (b) { return norm(textOf(b)); });
    var out = blocks.map(function () { return []; });
    var bi = 0;
    var pos = 0;
    sentences.forEach(function (sentence, k) {
      var s = norm(sentence);
      if (!s) return;
      for (var j = bi; j < blocks.length && j < bi + 4; j++) {
        var at = flats[j].indexOf(s, j === bi ? pos : 0);
        if (at >= 0) {
          out[j].push({ text: sentence, index: k });
          bi = j;
          pos = at + s.length;
          return;
        }
      }
    });
    fillGaps(out, sentences);
    return blocks.map(function (el, i) {
      var list = out[i].length ? out[i] : splitSentences(textOf(el)).map(function (t) { return { text: t, index: null }; });
      return { el: el, units: list };
    });
  }

  /** A block the server wrote differently (a byline with its date spelled out) matches nothing; when it is
   * the only block between two matched ones, it gets the server sentences between them. */
  function fillGaps(out, sentences) {
    var last = -1;
    for (var j = 0; j < out.length; j++) {
      if (out[j].length) { last = out[j][out[j].length - 1].index; continue; }
      var next = j + 1 < out.length && out[j + 1].length ? out[j + 1][0].index : (j + 1 === out.length ? sentences.length : -1);
      for (var k = last + 1; next > k; k++) out[j].push({ text: sentences[k], index: k });
      if (out[j].length) last = out[j][out[j].length - 1].index;
    }
  }

  var reader = {
    active: false,
    items: [],
    i: 0,
    j: 0,
    collect: function () {
      var main = doc.getElementById(mainId) || doc.querySelector('main, [role="main"]') || doc.body;
      return Array.prototype.filter.call(main.querySelectorAll(BLOCKS), function (el) {
        if (el.closest(SKIP_INSIDE)) return false;
        if (el.parentElement && el.parentElement.closest(BLOCKS)) return false; // read the outer block once
        return el.getClientRects().length > 0 && textOf(el) !== '';
      });
    },
    start: function () {
      var blocks = this.collect();
      if (!blocks.length) return;
      if (player.playing) player.pause();
      this.active = true;
      this.i = 0;
      this.j = 0;
      announce(S.reading_start);
      var self = this;
      speech.sentences().then(function (sentences) {
        if (!self.active) return;
        self.items = units(blocks, sentences);
        self.play();
      });
    },
    play: function () {
      var item = this.items[this.i];
      doc.querySelectorAll('.a11y-reading').forEach(function (el) { el.classList.remove('a11y-reading'); });
      item.el.classList.add('a11y-reading');
      item.el.scrollIntoView({ block: 'center' });
      var unit = item.units[this.j] || { text: textOf(item.el), index: null };
      caption(unit.text);
      var self = this;
      speech.speak(unit, function () { self.next(); });
    },
    next: function () {
      this.j++;
      if (this.j >= this.items[this.i].units.length) { this.i++; this.j = 0; }
      if (this.i >= this.items.length) { this.stop(true); return; }
      this.play();
    },
    skip: function (delta) {
      if (!this.items.length) return;
      this.i = Math.max(0, Math.min(this.items.length - 1, this.i + delta));
      this.j = 0;
      this.play();
    },
    stop: function (finished) {
      speech.stop();
      this.active = false;
      doc.querySelectorAll('.a11y-reading').forEach(function (el) { el.classList.remove('a11y-reading'); });
      caption('');
      announce(finished ? S.reading_end : S.reading_stop);
      apply();
    },
    toggle: function () {
      if (this.active) this.stop(false); else this.start();
    }
  };

  /* ---------- 指读 and captions follow the pointer and the focus ---------- */

  var READABLE = 'a,button,label,summary,legend,h1,h2,h3,h4,h5,h6,p,li,td,th,dt,dd,caption,figcaption,blockquote';
  var pointed = null;
  var pointTimer = 0;

  function readableTarget(el) {
    if (!el || el.nodeType !== 1) return null;
    if (el.tagName === 'IMG' && el.alt) return el;
    return el.closest(READABLE);
  }

  function pointAt(el) {
    var text = textOf(el);
    if (!text) return;
    if (state.caption) caption(text);
    if (!state.point) return;
    if (pointed) pointed.classList.remove('a11y-pointed');
    pointed = el;
    el.classList.add('a11y-pointed');
    speech.sentences().then(function (sentences) {
      var flat = norm(text);
      var found = [];
      sentences.forEach(function (s, k) { if (norm(s) && flat.indexOf(norm(s)) >= 0) found.push({ text: s, index: k }); });
      var covered = found.reduce(function (n, u) { return n + norm(u.text).length; }, 0);
      var queue = found.length && covered >= flat.length * 0.6 ? found : [{ text: text, index: null }];
      (function sayNext() {
        var unit = queue.shift();
        if (unit && pointed === el) speech.speak(unit, sayNext);
      })();
    });
  }

  function onPoint(event) {
    if ((!state.point && !state.caption) || reader.active) return;
    var el = readableTarget(event.target);
    if (!el || el === pointed) return;
    clearTimeout(pointTimer);
    pointTimer = setTimeout(function () { pointAt(el); }, event.type === 'focusin' ? 0 : 300);
  }

  /* ---------- actions: one per button and shortcut ---------- */

  function toggle(name) {
    return function () { state[name] = !state[name]; announce(onOff(name)); };
  }

  /** Alt+1 / Alt+2: the focus moves to the region and shows there (a ring until it moves on). */
  function focusRegion(el) {
    if (!el.hasAttribute('tabindex')) el.setAttribute('tabindex', '-1');
    el.classList.add('a11y-region-focus');
    el.addEventListener('blur', function off() {
      el.classList.remove('a11y-region-focus');
      el.removeEventListener('blur', off);
    });
    el.focus();
    el.scrollIntoView({ block: 'start' });
  }

  var actions = {
    sound: function () {
      state.sound = !state.sound;
      if (!state.sound) speech.stop();
      announce(onOff('sound'));
      if (reader.active) reader.play();
    },
    rate: function () {
      state.rate = (state.rate + 1) % RATES.length;
      announce(S.tb_rate + ' ' + S['rate_' + state.rate]);
      save();  // the server reads the new 语速 from the cookie for the next segment
      if (player.el && player.list) player.rateChanged();
    },
    point: function () {
      state.point = !state.point;
      if (!state.point) speech.stop();
      announce(onOff('point'));
    },
    read: function () { reader.toggle(); },
    bigger: function () {
      state.font = Math.min(PERCENT.length - 1, state.font + 1);
      announce(S.font_size + ' ' + PERCENT[state.font] + '%');
    },
    smaller: function () {
      state.font = Math.max(0, state.font - 1);
      announce(S.font_size + ' ' + PERCENT[state.font] + '%');
    },
    theme: function () {
      state.theme = THEMES[(THEMES.indexOf(state.theme) + 1) % THEMES.length];
      announce(S.tb_theme + ' ' + S['theme_' + state.theme]);
    },
    cursor: toggle('cursor'),
    cross: function () {
      state.cross = !state.cross;
      var f = doc.activeElement;
      if (state.cross && f && f !== doc.body) {
        var r = f.getBoundingClientRect();
        moveCross(r.left + r.width / 2, r.top + r.height / 2);
      }
      announce(onOff('cross'));
    },
    caption: function () {
      state.caption = !state.caption;
      if (state.caption && !captionText.textContent) {
        var h1 = doc.querySelector('h1');
        caption(h1 ? textOf(h1) : doc.title);
      }
      announce(onOff('caption'));
    },
    textonly: toggle('textonly'),
    // the reading aids are made by the server (the page is converted there): saved, then the page reloads
    pinyin: function () { state.pinyin = !state.pinyin; },
    script: function () {
      if (state.script !== 'hans') { state.hant = state.script; state.script = 'hans'; } else state.script = state.hant;
    },
    reset: function () {
      if (reader.active) reader.stop(false);
      speech.stop();
      Object.assign(state, DEFAULTS);
      announce(S.reset_done);
    },
    help: function () {
      if (help.open) { help.close(); return; }
      opener = doc.activeElement;
      help.showModal();
      help.querySelector('[data-action="help-close"]').focus();
    },
    'help-close': function () { help.close(); },
    nav: function () {
      var nav = doc.querySelector('nav.breadcrumb') || doc.querySelector('main nav, nav, [role="navigation"]');
      if (nav) focusRegion(nav); else announce(S.nav_missing);
    },
    main: function () {
      var main = doc.getElementById(mainId) || doc.querySelector('main, [role="main"]');
      if (main) focusRegion(main);
    }
  };
  var opener = null;
  var PERSISTED = ['sound', 'rate', 'point', 'bigger', 'smaller', 'theme', 'cursor', 'cross', 'caption', 'textonly',
    'pinyin', 'script', 'reset'];
  var RELOAD = ['pinyin', 'script'];

  function run(action) {
    if (!actions[action]) return;
    // an aid the page does not offer (the forward door's live page): its shortcut does nothing
    if (RELOAD.indexOf(action) >= 0 && !tb.querySelector('[data-action="' + action + '"]')) return;
    var aids = state.script + state.pinyin;
    actions[action]();
    apply();
    if (PERSISTED.indexOf(action) >= 0) save();
    if (RELOAD.indexOf(action) >= 0 || (action === 'reset' && aids !== state.script + state.pinyin)) location.reload();
  }


  /* ---------- 更多: a menu (APG menu button): ↑/↓ move, Home/End, Esc closes, Tab leaves ---------- */

  var menu = {
    button: doc.getElementById('a11y-more'),
    list: doc.getElementById('a11y-menu'),
    items: function () {
      return Array.prototype.filter.call(this.list.querySelectorAll('[role^="menuitem"]'), function (el) {
        return el.getClientRects().length > 0;
      });
    },
    open: function (last) {
      this.list.hidden = false;
      this.button.setAttribute('aria-expanded', 'true');
      var items = this.items();
      if (items.length) items[last ? items.length - 1 : 0].focus();
    },
    close: function (refocus) {
      if (this.list.hidden) return;
      this.list.hidden = true;
      this.button.setAttribute('aria-expanded', 'false');
      if (refocus) this.button.focus();
    },
    move: function (delta, to) {
      var items = this.items();
      var i = items.indexOf(doc.activeElement);
      var next = to === 'first' ? 0 : to === 'last' ? items.length - 1 : (i + delta + items.length) % items.length;
      if (items[next]) items[next].focus();
    },
    keydown: function (event) {
      var k = event.key;
      if (k === 'ArrowDown') this.move(1);
      else if (k === 'ArrowUp') this.move(-1);
      else if (k === 'Home') this.move(0, 'first');
      else if (k === 'End') this.move(0, 'last');
      else if (k === 'Escape') this.close(true);
      else if (k === 'Tab') { this.close(false); return; }
      else if (k === ' ' && event.target.tagName === 'A') event.target.click();
      else return;
      event.preventDefault();
      event.stopPropagation();
    }
  };
  if (menu.button && menu.list) {
    menu.button.addEventListener('click', function () {
      if (menu.list.hidden) menu.open(false); else menu.close(false);
    });
    menu.button.addEventListener('keydown', function (event) {
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        menu.open(event.key === 'ArrowUp');
      }
    });
    menu.list.addEventListener('keydown', function (event) { menu.keydown(event); });
    doc.addEventListener('click', function (event) {
      if (!menu.list.hidden && !menu.list.contains(event.target) && !menu.button.contains(event.target)) menu.close(false);
    });
  } else {
    menu.close = function () {};
  }

  /* ---------- the player: the server's sentence segments in a row (the ones 连读 reads), with a timeline ----------
   * Timing: each sentence's start/end from /audio/sentences when the server gives them (once the article's
   * audio file is made: its exact times), else the lengths of the segments heard so far and, for the rest, an estimate from their characters
   * (shown as 约). Position is kept per article in localStorage. */

  var POSITIONS = 'a11y-proxy-positions';
  var SECONDS_PER_CHAR = [0.42, 0.34, 0.27, 0.22, 0.18];  // a first guess per 语速 step, until segments are heard

  function clock(seconds) {
    var s = Math.max(0, Math.round(seconds));
    return Math.floor(s / 60) + ':' + ('0' + (s % 60)).slice(-2);
  }

  function spoken(seconds) {
    var s = Math.max(0, Math.round(seconds));
    var m = Math.floor(s / 60);
    return m ? S.minutes_seconds.replace('{m}', m).replace('{s}', s % 60) : S.seconds_only.replace('{s}', s);
  }

  var player = {
    el: doc.getElementById('a11y-player'),
    audio: null,
    list: null,       // [{text, start, end, chars}]
    heard: {},        // sentence index -> seconds, measured at the current rate
    k: 0,             // current sentence
    offset: 0,        // seconds into it
    playing: false,
    pendingFraction: 0,
    init: function () {
      var el = this.el;
      if (!el) return;
      this.play = el.querySelector('[data-player="play"]');
      this.slider = el.querySelector('[role="slider"]');
      this.fill = el.querySelector('.player-fill');
      this.thumb = el.querySelector('.player-thumb');
      this.pos = el.querySelector('.player-pos');
      this.total = el.querySelector('.player-total');
      this.now = el.querySelector('.player-now');
      this.resume = el.querySelector('.player-resume');
      var self = this;
      el.addEventListener('click', function (event) {
        var b = event.target.closest('button[data-player]');
        if (!b) return;
        var what = b.getAttribute('data-player');
        if (what === 'play') self.toggle();
        else if (what === 'back') self.seekBy(-15);
        else if (what === 'forward') self.seekBy(15);
        else if (what === 'rate') run('rate');
      });
      this.slider.addEventListener('keydown', function (event) { self.key(event); });
      this.slider.addEventListener('pointerdown', function (event) { self.drag(event); });
      var saved = this.saved();
      if (saved) {
        this.k = saved.k;
        this.offset = saved.t;
        this.load().then(function () {
          self.show();
          self.resumeNote();
        });
      }
      window.addEventListener('pagehide', function () { self.remember(); });
    },
    load: function () {
      var self = this;
      return speech.items().then(function (items) { self.list = items; return items; });
    },
    duration: function (i) {
      var x = this.list[i];
      if (x.start !== null) return x.end - x.start;
      if (this.heard[i]) return this.heard[i];
      var secs = 0, chars = 0;
      for (var j in this.heard) { secs += this.heard[j]; chars += this.list[j].chars; }
      var perChar = chars > 20 ? secs / chars : SECONDS_PER_CHAR[state.rate];
      return Math.max(0.8, x.chars * perChar);
    },
    exact: function () {
      for (var i = 0; i < this.list.length; i++) {
        if (this.list[i].start === null && !this.heard[i]) return false;
      }
      return true;
    },
    startOf: function (k) {
      var t = 0;
      for (var i = 0; i < k; i++) t += this.duration(i);
      return t;
    },
    length: function () { return this.startOf(this.list.length); },
    at: function () { return this.startOf(this.k) + this.offset; },
    /** The slider, the clock and the sentence on screen (and in 大字幕) as they are now. */
    show: function () {
      if (!this.list || !this.list.length) return;
      var total = this.length();
      var at = Math.min(total, this.at());
      var approx = this.exact() ? '' : S.about;
      var pct = total ? (100 * at / total) : 0;
      this.fill.style.width = pct + '%';
      this.thumb.style.left = pct + '%';
      this.pos.textContent = clock(at);
      this.total.textContent = (approx ? '~' : '') + clock(total);
      this.slider.setAttribute('aria-valuemax', String(Math.round(total)));
      this.slider.setAttribute('aria-valuenow', String(Math.round(at)));
      this.slider.setAttribute('aria-valuetext', S.of_total.replace('{pos}', spoken(at)).replace('{total}', approx + spoken(total)));
    },
    sentence: function () {
      var text = this.list[this.k] ? this.list[this.k].text : '';
      this.now.hidden = !text;
      this.now.textContent = text;
      caption(text);
      highlight(text);
    },
    toggle: function () {
      if (this.playing) this.pause(); else this.start();
    },
    start: function () {
      var self = this;
      if (reader.active) reader.stop(false);
      this.el.classList.add('player-started');
      this.resume.hidden = true;
      this.load().then(function (items) {
        if (!items.length) { self.fail(); return; }
        if (self.k >= items.length) { self.k = 0; self.offset = 0; }
        self.playing = true;
        self.el.classList.add('playing');
        self.play.textContent = S.pause;
        self.segment();
      });
    },
    pause: function () {
      this.playing = false;
      this.el.classList.remove('playing');
      this.play.textContent = S.play;
      if (this.audio) {
        this.offset = this.audio.currentTime || this.offset;
        this.audio.pause();
      }
      this.show();
      this.remember();
    },
    /** Play sentence k from `offset` seconds in. */
    segment: function () {
      var self = this;
      var k = this.k;
      var a = this.audio || (this.audio = new Audio());
      a.onloadedmetadata = function () {
        if (isFinite(a.duration) && a.duration > 0) self.heard[k] = a.duration;
        if (self.pendingFraction) { self.offset = self.pendingFraction * a.duration; self.pendingFraction = 0; }
        if (self.offset > 0) a.currentTime = Math.min(self.offset, Math.max(0, a.duration - 0.2));
        self.show();
      };
      a.ontimeupdate = function () { if (self.k === k) { self.offset = a.currentTime; self.show(); } };
      a.onended = function () {
        if (self.k !== k) return;
        self.k++;
        self.offset = 0;
        if (self.k >= self.list.length) { self.finish(); return; }
        self.remember();
        self.segment();
      };
      a.onerror = function () { if (self.k === k) self.fail(); };
      a.src = base + '/audio/segment?url=' + encodeURIComponent(pageUrl) + '&i=' + k;
      this.sentence();
      this.show();
      var p = a.play();
      if (p && p.catch) p.catch(function (e) { if (self.k === k && e && e.name !== 'AbortError') self.fail(); });
    },
    seekTo: function (t) {
      if (!this.list || !this.list.length) return;
      t = Math.max(0, Math.min(t, this.length() - 0.1));
      var k = 0, at = 0;
      while (k < this.list.length - 1 && at + this.duration(k) <= t) { at += this.duration(k); k++; }
      var same = k === this.k && this.audio && this.playing;
      this.k = k;
      this.offset = Math.max(0, t - at);
      if (same) this.audio.currentTime = this.offset;
      else if (this.playing) this.segment();
      else this.sentence();
      this.show();
      this.remember();
    },
    seekBy: function (delta) {
      var self = this;
      this.el.classList.add('player-started');
      this.load().then(function () {
        if (self.playing && self.audio) self.offset = self.audio.currentTime;
        self.seekTo(self.at() + delta);
      });
    },
    key: function (event) {
      var steps = { ArrowRight: 15, ArrowUp: 15, ArrowLeft: -15, ArrowDown: -15, PageUp: 60, PageDown: -60 };
      var self = this;
      if (event.key in steps) this.seekBy(steps[event.key]);
      else if (event.key === 'Home') this.load().then(function () { self.seekTo(0); });
      else if (event.key === 'End') this.load().then(function () { self.seekTo(self.length()); });
      else return;
      event.preventDefault();
      event.stopPropagation();
    },
    drag: function (event) {
      var self = this;
      var box = this.slider.getBoundingClientRect();
      function to(e) {
        var f = Math.max(0, Math.min(1, (e.clientX - box.left) / box.width));
        if (self.list) self.seekTo(f * self.length());
      }
      this.load().then(function () { to(event); });
      this.slider.setPointerCapture(event.pointerId);
      function moved(e) { to(e); }
      function up() {
        self.slider.removeEventListener('pointermove', moved);
        self.slider.removeEventListener('pointerup', up);
      }
      this.slider.addEventListener('pointermove', moved);
      this.slider.addEventListener('pointerup', up);
    },
    /** 语速 changed: the server makes the following segments at the new rate; the sentence now playing
     * starts again at the same point of its text. */
    rateChanged: function () {
      var fraction = this.audio && this.audio.duration ? this.audio.currentTime / this.audio.duration : 0;
      this.heard = {};
      if (this.playing) {
        this.offset = 0;
        this.pendingFraction = fraction;
        this.segment();
      }
      this.show();
    },
    finish: function () {
      this.pause();
      this.k = 0;
      this.offset = 0;
      this.forget();
      this.show();
      caption('');
      highlight('');
      announce(S.player_done);
    },
    fail: function () {
      this.pause();
      announce(S.player_failed);
      this.now.hidden = false;
      this.now.textContent = S.player_failed;
    },
    positions: function () {
      try { return JSON.parse(localStorage.getItem(POSITIONS) || '{}') || {}; } catch (e) { return {}; }
    },
    saved: function () {
      var x = this.positions()[pageUrl];
      return x && typeof x.k === 'number' && x.k >= 0 ? { k: x.k, t: +x.t || 0 } : null;
    },
    remember: function () {
      if (!this.list || (!this.k && !this.offset)) return;
      var all = this.positions();
      all[pageUrl] = { k: this.k, t: Math.round(this.offset * 10) / 10, at: Date.now() };
      var urls = Object.keys(all).sort(function (a, b) { return all[b].at - all[a].at; });
      urls.slice(50).forEach(function (u) { delete all[u]; });
      try { localStorage.setItem(POSITIONS, JSON.stringify(all)); } catch (e) { /* private mode */ }
    },
    forget: function () {
      var all = this.positions();
      delete all[pageUrl];
      try { localStorage.setItem(POSITIONS, JSON.stringify(all)); } catch (e) { /* private mode */ }
    },
    resumeNote: function () {
      if (!this.list || this.k >= this.list.length) return;
      this.resume.hidden = false;
      this.resume.textContent = S.resume_at.replace('{t}', spoken(this.at()));
      this.now.hidden = false;
      this.now.textContent = this.list[this.k].text;
    }
  };

  /** The block of the page that holds `text` (a server sentence), highlighted without moving the page. */
  var highlighted = null;
  function highlight(text) {
    if (highlighted) highlighted.classList.remove('a11y-reading');
    highlighted = null;
    var s = norm(text);
    if (!s) return;
    var found = reader.collect().filter(function (el) { return norm(textOf(el)).indexOf(s) >= 0; })[0];
    if (found) { found.classList.add('a11y-reading'); highlighted = found; }
  }

  /* ---------- wiring ---------- */

  doc.addEventListener('click', function (event) {
    var button = event.target.closest && event.target.closest('button[data-action]');
    if (button && (tb.contains(button) || help.contains(button))) run(button.getAttribute('data-action'));
    var item = event.target.closest && event.target.closest('button[data-menu-action]');
    if (item && tb.contains(item)) {
      menu.close(true);
      run(item.getAttribute('data-menu-action'));
    }
  });

  doc.addEventListener('keydown', function (event) {
    if (event.altKey && !event.ctrlKey && !event.metaKey) {
      var action = SHORTCUTS[event.code];
      if (action) {
        event.preventDefault();
        event.stopPropagation();
        run(action);
      }
      return;
    }
    if (!reader.active || event.ctrlKey || event.metaKey || event.altKey) return;
    var t = event.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    if (t && t.closest && t.closest('[role="slider"], [role="menu"]')) return;  // their arrows are their own
    if (event.key === 'ArrowRight') { event.preventDefault(); reader.skip(1); }
    else if (event.key === 'ArrowLeft') { event.preventDefault(); reader.skip(-1); }
    else if (event.key === 'Escape' && !help.open) reader.stop(false);
  }, true);

  help.addEventListener('close', function () {
    // 'close' comes a moment after the dialog shut: if the reader has already moved on (Esc then Alt+1),
    // leave the focus where they put it; otherwise return it to the control that opened the help.
    var here = doc.activeElement;
    var moved = here && here !== doc.body && !help.contains(here);
    if (!moved && opener && opener.focus) opener.focus();
  });

  doc.addEventListener('mousemove', function (event) {
    if (state.cross) moveCross(event.clientX, event.clientY);
  }, { passive: true });
  doc.addEventListener('focusin', function (event) {
    if (state.cross && event.target.getBoundingClientRect) {
      var r = event.target.getBoundingClientRect();
      moveCross(r.left + r.width / 2, r.top + r.height / 2);
    }
    onPoint(event);
  });
  doc.addEventListener('mouseover', onPoint, { passive: true });
  window.addEventListener('resize', fitCaption);

  player.init();
  apply();
  // The cookie is the server's copy: rewrite it when it was missing (restored from localStorage) or stale.
  if (fromCookie !== settingsValue()) save();

  /* ---------- home page: bookmarklets are for dragging, not clicking here ---------- */

  function bookmarklets() {
    doc.querySelectorAll('a[data-bookmarklet]').forEach(function (a) {
      a.addEventListener('click', function (event) {
        event.preventDefault();
        var status = doc.getElementById('bm-status');
        if (status) {
          status.textContent = '';
          setTimeout(function () { status.textContent = status.getAttribute('data-message'); }, 60);
        }
      });
    });
  }
})();
