// A contest attempt: every answer is kept in localStorage until the server has
// acknowledged it, sent at once, and sent again when the connection comes back
// (the "online" event, and every 3 s while any is waiting). The server keeps the
// newest answer per question (``s``, a counter that only grows), so resending is
// harmless. The countdown only shows the server's deadline; the server enforces it.
(function () {
  "use strict";
  var form = document.getElementById("bai-thi");
  if (!form) return;
  var storeKey = "tg-bai-" + form.dataset.key;
  var url = form.dataset.answerUrl;
  var csrf = form.dataset.csrf;
  var status = document.getElementById("trang-thai");
  var pending = {};
  try { pending = JSON.parse(localStorage.getItem(storeKey) || "{}") || {}; } catch (e) { pending = {}; }
  var seq = Date.now();
  Object.keys(pending).forEach(function (q) { if (pending[q].s >= seq) seq = pending[q].s + 1; });
  var inFlight = {};
  var closed = false;

  function keep() { localStorage.setItem(storeKey, JSON.stringify(pending)); }
  function show() {
    var n = Object.keys(pending).length;
    form.dataset.pending = String(n);
    status.textContent = n ? "Đang chờ gửi " + n + " câu trả lời (đã giữ trên máy)…" : "Mọi câu trả lời đã được lưu trên máy chủ.";
  }
  function ack(q, text) {
    var el = form.querySelector('[data-ack="' + q + '"]');
    if (el) el.textContent = text;
  }
  function send(q) {
    var p = pending[q];
    if (!p || inFlight[q] === p.s || closed) return;
    inFlight[q] = p.s;
    var body = new URLSearchParams();
    if (q === "g") { body.set("g", p.c); } else { body.set("q", q); body.set("c", p.c); body.set("s", p.s); }
    fetch(url, { method: "POST", body: body, credentials: "same-origin", headers: { "X-CSRFToken": csrf } })
      .then(function (r) { return r.json().then(function (d) { return [r, d]; }, function () { return [r, {}]; }); })
      .then(function (rd) {
        var r = rd[0], d = rd[1];
        delete inFlight[q];
        if (r.ok && d.ok) {
          if (pending[q] && pending[q].s === p.s) { delete pending[q]; keep(); }
          ack(q, "Đã lưu");
          if (d.source) { show(); window.location.href = d.source; return; }
        } else if (r.status === 400 || r.status === 409) {
          if (pending[q] && pending[q].s === p.s) { delete pending[q]; keep(); }
          ack(q, d.error || "Không lưu được");
          if (r.status === 409) closed = true;
        }
        show();
      }, function () { delete inFlight[q]; show(); });
  }
  function flush() { Object.keys(pending).forEach(send); }

  form.addEventListener("change", function (e) {
    var t = e.target;
    if (t.name && t.name.indexOf("q-") === 0) {
      var q = t.name.slice(2);
      pending[q] = { c: Number(t.value), s: seq++ };
    } else if (t.name === "g" && t.value !== "") {
      pending.g = { c: Number(t.value), s: seq++ };
    } else { return; }
    keep(); show(); ack(t.name === "g" ? "g" : t.name.slice(2), "Đang gửi…");
    send(t.name === "g" ? "g" : t.name.slice(2));
  });
  // Choices not yet acknowledged when the page was left come back onto the page.
  Object.keys(pending).forEach(function (q) {
    if (q === "g") { var g = document.getElementById("du-doan"); if (g) g.value = pending.g.c; return; }
    var el = form.querySelector('input[name="q-' + q + '"][value="' + pending[q].c + '"]');
    if (el) el.checked = true;
  });
  window.addEventListener("online", flush);
  setInterval(flush, 3000);
  flush(); show();

  var clock = document.getElementById("con-lai");
  var end = Date.now() + Number(clock.dataset.remaining) * 1000;
  function tick() {
    var left = Math.max(0, Math.round((end - Date.now()) / 1000));
    clock.textContent = "Còn " + Math.floor(left / 60) + " phút " + (left % 60) + " giây";
    if (left === 0) { clearInterval(timer); form.submit(); }
  }
  var timer = setInterval(tick, 1000);
  tick();
})();
