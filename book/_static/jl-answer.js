/* jl-lab answer boxes: check an exercise's answer in the browser, with no kernel and no network.
 * The page holds the answer key of each checkable exercise (salted SHA-256 hashes, computed when the
 * site was built by tools/sphinx_ext/jl_answer.py); this script hashes what the reader types the same
 * way as jl_lab.check.engine (see its docstring for the scheme) and compares. It never knows the answer.
 */
(function () {
  "use strict";

  // SHA-256 of an ASCII string (FIPS 180-4), hex.
  var K = [], H0 = [];
  (function () {
    var n = 2, found = 0;
    function prime(m) { for (var d = 2; d * d <= m; d++) { if (m % d === 0) return false; } return true; }
    function frac(x) { return ((x - Math.floor(x)) * 4294967296) >>> 0; }
    while (found < 64) {
      if (prime(n)) {
        if (found < 8) H0.push(frac(Math.sqrt(n)));
        K.push(frac(Math.cbrt(n)));
        found++;
      }
      n++;
    }
  })();
  function rotr(x, n) { return (x >>> n) | (x << (32 - n)); }
  function sha256hex(text) {
    var bytes = [], i, j;
    for (i = 0; i < text.length; i++) bytes.push(text.charCodeAt(i) & 0xff);
    var bitLength = bytes.length * 8;
    bytes.push(0x80);
    while (bytes.length % 64 !== 56) bytes.push(0);
    for (i = 7; i >= 0; i--) bytes.push(i >= 4 ? 0 : (bitLength >>> (8 * i)) & 0xff);
    var h = H0.slice(), w = new Array(64);
    for (var off = 0; off < bytes.length; off += 64) {
      for (i = 0; i < 16; i++) {
        j = off + 4 * i;
        w[i] = ((bytes[j] << 24) | (bytes[j + 1] << 16) | (bytes[j + 2] << 8) | bytes[j + 3]) >>> 0;
      }
      for (i = 16; i < 64; i++) {
        var s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >>> 3);
        var s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >>> 10);
        w[i] = (w[i - 16] + s0 + w[i - 7] + s1) >>> 0;
      }
      var a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
      for (i = 0; i < 64; i++) {
        var t1 = (hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i]) >>> 0;
        var t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) >>> 0;
        hh = g; g = f; f = e; e = (d + t1) >>> 0; d = c; c = b; b = a; a = (t1 + t2) >>> 0;
      }
      h = [a, b, c, d, e, f, g, hh].map(function (x, k) { return (x + h[k]) >>> 0; });
    }
    return h.map(function (x) { return ("00000000" + x.toString(16)).slice(-8); }).join("");
  }

  var HASH_CHARS = 16;
  function hash(key, part, text) { return sha256hex(key.salt + "|" + part + "|" + text).slice(0, HASH_CHARS); }
  function realText(x, step) {
    if (x === 0) return "r:0";
    return "r:" + (x > 0 ? "+" : "-") + ":" + Math.floor(Math.log(Math.abs(x)) / step);
  }

  // One entry: null if right, else what is off (never the value).
  function compare(key, i, name, raw) {
    var part = key.parts[i], text = raw.trim();
    var isNone = /^(none|null|-)$/i.test(text);
    if (text === "") return name + ": type a value.";
    var none = part.ok.indexOf(hash(key, i, "none")) >= 0;
    if (isNone) return none ? null : name + ": there is a value here, not None.";
    var x = Number(text.replace(/\u2212/g, "-"));
    if (!isFinite(x)) return name + ": \u201c" + text + "\u201d is not a number.";
    if (none) return name + " is not right.";
    if (key.integer) {
      if (Math.floor(x) !== x) return name + ": an integer is expected.";
      var t = hash(key, i, "i:" + x);
      if (part.ok.indexOf(t) >= 0) return null;
      if (part.near.indexOf(t) >= 0) return name + " is off by one.";
      return name + " is not right.";
    }
    var fine = hash(key, i, realText(x, key.rtol / 2));
    if (part.ok.indexOf(fine) >= 0) return null;
    if (part.sign.indexOf(fine) >= 0) return name + " has the wrong sign.";
    if (part.near.indexOf(hash(key, i, realText(x, 5 * key.rtol))) >= 0) {
      return name + " is close but not within three significant digits.";
    }
    return name + " is not right.";
  }

  function setUp(form) {
    var key = JSON.parse(form.getAttribute("data-key"));
    var names = JSON.parse(form.getAttribute("data-part-names"));
    var inputs = form.querySelectorAll("input");
    var out = form.querySelector(".jl-answer-verdict");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var problems = [];
      for (var i = 0; i < inputs.length; i++) {
        var p = compare(key, i, names.length > 1 ? names[i] : "your answer", inputs[i].value);
        if (p) problems.push(p);
      }
      out.textContent = problems.length ? "\u2718 not yet: " + problems.join(" ") : "\u2714 correct";
      form.classList.toggle("jl-answer-correct", !problems.length);
      form.classList.toggle("jl-answer-wrong", problems.length > 0);
    });
  }

  function init() { Array.prototype.forEach.call(document.querySelectorAll("form.jl-answer"), setUp); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
  window.jlAnswerSha256 = sha256hex;  // for the tests
  window.jlAnswerCompare = compare;
})();
