// Autosave of an essay: every edit is kept in localStorage at once and sent to the
// server (debounced); a failed send is retried until acknowledged, also after a
// reload. Each edit increments a counter ("seq"); the server keeps the highest.
(function () {
  "use strict";
  var form = document.getElementById("essay-form");
  if (!form) return;
  var area = document.getElementById("essay-text");
  var status = document.getElementById("save-status");
  var key = form.dataset.key;
  var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var serverSeq = parseInt(form.dataset.seq || "0", 10);
  var local = null;
  try { local = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { local = null; }
  var seq = serverSeq;
  var acked = serverSeq;
  if (local && local.seq > serverSeq && typeof local.text === "string") {
    area.value = local.text;
    seq = local.seq;
    say("Có bản chưa gửi được từ lần trước, đang gửi lại…");
  }
  var timer = null;
  var sending = false;
  var retry = 1000;

  function say(text) { status.textContent = text; }
  function keep() {
    try { localStorage.setItem(key, JSON.stringify({ seq: seq, text: area.value })); } catch (e) { /* full */ }
  }
  function send() {
    timer = null;
    if (sending || acked >= seq) return;
    sending = true;
    var sentSeq = seq;
    var body = new URLSearchParams();
    body.set("text", area.value);
    body.set("seq", String(sentSeq));
    fetch(form.action, {
      method: "POST",
      headers: { "X-CSRFToken": token, "Content-Type": "application/x-www-form-urlencoded" },
      body: body.toString(),
      credentials: "same-origin",
    }).then(function (r) {
      return r.json().then(function (data) { return { ok: r.ok, data: data }; });
    }).then(function (res) {
      sending = false;
      if (!res.ok || !res.data.ok) {
        say((res.data && res.data.error) || "Không lưu được.");
        return;
      }
      acked = Math.max(acked, sentSeq);
      retry = 1000;
      if (acked >= seq) {
        try { localStorage.removeItem(key); } catch (e) { /* ignore */ }
        say("Đã lưu lúc " + res.data.saved_at);
        form.dataset.saved = String(acked);
      } else {
        schedule(300);
      }
    }).catch(function () {
      sending = false;
      say("Mất kết nối: bài vẫn được giữ trên máy này, sẽ gửi lại khi có mạng.");
      schedule(retry);
      retry = Math.min(retry * 2, 30000);
    });
  }
  function schedule(ms) {
    if (timer) clearTimeout(timer);
    timer = setTimeout(send, ms);
  }
  area.addEventListener("input", function () {
    seq += 1;
    keep();
    say("Đang lưu…");
    schedule(800);
  });
  window.addEventListener("online", function () { schedule(0); });
  var handIn = document.getElementById("hand-in");
  if (handIn) {
    handIn.addEventListener("submit", function (ev) {
      if (acked < seq) {
        ev.preventDefault();
        say("Đang lưu bản cuối trước khi nộp…");
        send();
        var wait = setInterval(function () {
          if (acked >= seq) { clearInterval(wait); handIn.submit(); }
        }, 200);
      }
    });
  }
  if (acked < seq) schedule(0);
})();
