/*!
 * hotspot-login.js — the hotspot login page's script (views/portal/hotspot/login.hbs).
 * Own code, no dependencies, served by this server (the walled garden reaches no CDN).
 * MD5 as specified in RFC 1321 (constants T[i] = floor(2^32 × |sin(i)|), written out).
 *
 * What it does, as RouterOS's own login.html does for HTTP-CHAP: on submit, the username and
 * password go into the hidden form #hotspot-send, which posts to the router's link-login-only.
 * When the router gave a CHAP challenge (data-chap-id / data-chap-challenge, hex), the password
 * sent is hex MD5(chap-id byte + password (UTF-8) + challenge bytes), so the password itself never
 * crosses the air; otherwise (HTTP-PAP) it is the password. A voucher code is the username and
 * the password, normalized the way it is printed (spaces and dashes dropped, capital letters).
 * Written in ES5 for old phone browsers.
 */
(function () {
  'use strict';

  var S = [7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
    5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
    4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
    6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21];
  var T = [
    0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
    0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
    0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
    0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
    0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
    0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
    0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
    0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391];

  /** MD5 of a byte array (numbers 0-255), as 32 lower-case hex digits. */
  function md5Hex(bytes) {
    var n = bytes.length;
    var blocks = ((n + 8) >>> 6) + 1;
    var m = new Int32Array(blocks * 16);
    var i;
    for (i = 0; i < n; i++) m[i >> 2] |= (bytes[i] & 0xff) << ((i % 4) * 8);
    m[n >> 2] |= 0x80 << ((n % 4) * 8);
    m[blocks * 16 - 2] = (n * 8) | 0;
    m[blocks * 16 - 1] = Math.floor(n / 0x20000000);
    var h0 = 0x67452301, h1 = 0xefcdab89 | 0, h2 = 0x98badcfe | 0, h3 = 0x10325476;
    for (var off = 0; off < m.length; off += 16) {
      var a = h0, b = h1, c = h2, d = h3;
      for (var j = 0; j < 64; j++) {
        var f, g;
        if (j < 16) { f = (b & c) | (~b & d); g = j; }
        else if (j < 32) { f = (d & b) | (~d & c); g = (5 * j + 1) % 16; }
        else if (j < 48) { f = b ^ c ^ d; g = (3 * j + 5) % 16; }
        else { f = c ^ (b | ~d); g = (7 * j) % 16; }
        var x = (a + f + (T[j] | 0) + m[off + g]) | 0;
        a = d; d = c; c = b;
        b = (b + ((x << S[j]) | (x >>> (32 - S[j])))) | 0;
      }
      h0 = (h0 + a) | 0; h1 = (h1 + b) | 0; h2 = (h2 + c) | 0; h3 = (h3 + d) | 0;
    }
    var out = '';
    var words = [h0, h1, h2, h3];
    for (i = 0; i < 4; i++) {
      for (var k = 0; k < 4; k++) out += ('0' + ((words[i] >>> (k * 8)) & 0xff).toString(16)).slice(-2);
    }
    return out;
  }

  /** UTF-8 bytes of a string (surrogate pairs joined; a lone surrogate as U+FFFD). */
  function utf8(s) {
    var out = [];
    for (var i = 0; i < s.length; i++) {
      var c = s.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
        c = 0x10000 + ((c - 0xd800) << 10) + (s.charCodeAt(++i) - 0xdc00);
      } else if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
      if (c < 0x80) out.push(c);
      else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
      else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
      else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    }
    return out;
  }

  function hexBytes(hex) {
    var out = [];
    for (var i = 0; i + 1 < hex.length; i += 2) out.push(parseInt(hex.substr(i, 2), 16));
    return out;
  }

  /** hex MD5(chap-id + password + challenge): what RouterOS expects in `password` for HTTP-CHAP. */
  function chapResponse(idHex, password, challengeHex) {
    return md5Hex(hexBytes(idHex).concat(utf8(password), hexBytes(challengeHex)));
  }

  /** A voucher code as printed: no spaces or dashes, capital letters. */
  function normalizeCode(typed) {
    return String(typed).replace(/[\s-]+/g, '').toUpperCase();
  }

  function trim(s) {
    return String(s).replace(/^\s+|\s+$/g, '');
  }

  function init() {
    var send = document.getElementById('hotspot-send');
    if (!send) return;
    var forms = document.querySelectorAll('form[data-hotspot-login]');
    for (var i = 0; i < forms.length; i++) {
      forms[i].addEventListener('submit', function (event) {
        var form = event.currentTarget;
        event.preventDefault();
        var voucher = form.getAttribute('data-hotspot-login') === 'voucher';
        var user = voucher ? normalizeCode(form.elements.username.value) : trim(form.elements.username.value);
        var pass = voucher ? user : form.elements.password.value;
        if (!user) return;
        var id = send.getAttribute('data-chap-id');
        var challenge = send.getAttribute('data-chap-challenge');
        send.elements.username.value = user;
        send.elements.password.value = id && challenge ? chapResponse(id, pass, challenge) : pass;
        var buttons = document.querySelectorAll('form[data-hotspot-login] button');
        for (var b = 0; b < buttons.length; b++) buttons[b].disabled = true;
        var busy = document.querySelector('[data-busy]');
        if (busy) busy.hidden = false;
        send.submit();
      });
    }
  }

  window.hotspotLogin = { md5Hex: md5Hex, utf8: utf8, chapResponse: chapResponse, normalizeCode: normalizeCode };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
