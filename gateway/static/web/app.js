// H5 chat page of the 政务服务智能客服. Talks to /api/chat (the contract), keeps the history in this
// browser (localStorage), renders rich messages (buttons, guide cards, links, result lists) and has
// 长辈模式: large text, high contrast, guide cards one step at a time; where the province's profile turns
// them on (elder_mode in /web/api/welcome), also a stronger high-contrast style and every new reply read
// aloud. The platform's name and hotline come from the profile too; until the welcome arrives (or when it
// fails) the page stays generic. Every text goes in through textContent — never innerHTML — so nothing a
// reply contains can run as code.
// 转人工: while a conversation is with a live agent (a reply carries `live`, waiting or active) the page pulls
// what the agent says from /api/chat/{sender_id}/events every poll_seconds, shows it apart from the bot's
// answers, and shows where the session stands above the composer; it pulls once on load, so a session still
// open (or an answer to a 离线留言) shows up after a reload. While the citizen has a 离线留言 not answered yet
// (tickets_open in the pull) it pulls slowly (ticket_poll_seconds), so the answer appears on the open page.
(function () {
  "use strict";

  var KEYS = { sender: "zw.sender", history: "zw.history.v1", elder: "zw.elder", live: "zw.live.next" };
  var MAX_HISTORY = 100;
  var MAX_CHARS = 500;
  var SAFE_LINK = /^(https?:|[a-z][a-z0-9+.-]*:\/\/)/i;  // http(s) or an app deep link; never javascript:
  var BAD_SCHEME = /^\s*(javascript|data|vbscript|file):/i;
  var ELDER_RATE = 0.85;  // speech a little slower in 长辈模式
  var SENTENCE = /[^。！？!?\n]+[。！？!?]*/g;  // read sentence by sentence: long utterances stall in some browsers
  var MAX_POLL_SECONDS = 30;  // the longest wait between pulls after failures

  var log, input, sendButton, elderToggle, voiceButton, readingBar, liveBar, liveText, liveEnd;
  var history = [];
  var busy = false;
  var reading = null;  // the last utterance queued, while reading
  // What the page takes from the province's profile (/web/api/welcome); generic until it arrives.
  var profile = { hotline: "12345", hotlineName: "政务服务便民热线", highContrast: false, readAloud: false };
  // The live session as last heard (null when none is open) and the pull's cursor: the last event shown.
  var live = {
    state: null, next: 0, pollSeconds: 2, timer: null, pulling: false, again: false, failures: 0,
    tickets: 0, ticketPollSeconds: 20
  };

  function store(key, value) {
    try { localStorage.setItem(key, value); } catch (e) { /* private mode: history is kept for this page only */ }
  }
  function load(key) {
    try { return localStorage.getItem(key); } catch (e) { return null; }
  }

  function senderId() {
    var id = load(KEYS.sender);
    if (!id) {
      var bytes = new Uint8Array(8);
      (window.crypto || window.msCrypto).getRandomValues(bytes);
      id = "web-" + Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
      store(KEYS.sender, id);
    }
    return id;
  }

  function elderMode() { return document.body.classList.contains("elder"); }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function safeHref(url) {
    return typeof url === "string" && SAFE_LINK.test(url) && !BAD_SCHEME.test(url) ? url : null;
  }

  function scrollDown() { log.scrollTop = log.scrollHeight; }

  // ---- rendering ------------------------------------------------------------------------------

  function canSpeak() {
    return "speechSynthesis" in window && typeof window.SpeechSynthesisUtterance === "function";
  }

  function chineseVoice() {
    var voices = [];
    try { voices = window.speechSynthesis.getVoices() || []; } catch (e) { voices = []; }
    for (var i = 0; i < voices.length; i++) {
      if (/^zh[-_]?CN/i.test(voices[i].lang || "")) return voices[i];
    }
    return null;
  }

  function showReading(on) {
    if (readingBar.hidden === !on) return;
    readingBar.hidden = !on;
    scrollDown();  // the bar takes room from the log: keep its end in sight
  }

  function speak(text) {
    if (!canSpeak() || !text) return;
    var synth = window.speechSynthesis;
    var voice = chineseVoice();
    var parts = (text.match(SENTENCE) || []).filter(function (part) { return part.trim(); });
    synth.cancel();
    reading = null;
    parts.forEach(function (part) {
      var utterance = new SpeechSynthesisUtterance(part.trim());
      utterance.lang = "zh-CN";
      utterance.rate = elderMode() ? ELDER_RATE : 1;
      if (voice) utterance.voice = voice;
      utterance.onend = utterance.onerror = function () {
        if (reading === utterance) { reading = null; showReading(false); }
      };
      reading = utterance;
      synth.speak(utterance);
    });
    showReading(reading !== null);
  }

  function stopReading() {
    reading = null;
    showReading(false);
    if (canSpeak()) window.speechSynthesis.cancel();
  }

  function speakButton(text) {
    if (!canSpeak() || !text) return null;
    var button = el("button", "speak", "朗读");
    button.type = "button";
    button.setAttribute("aria-label", "朗读这条回复");
    button.addEventListener("click", function () { speak(text); });
    return button;
  }

  function choiceButton(title, payload) {
    var button = el("button", "choice", title);
    button.type = "button";
    button.addEventListener("click", function () { send(payload || title, title); });
    return button;
  }

  function promptOf(message) {
    // The plain text of a buttons message ends with the numbered choices; show only the prompt above them.
    var lines = (message.text || "").split("\n");
    var count = (message.buttons || []).length;
    return lines.slice(0, Math.max(0, lines.length - count)).join("\n");
  }

  function renderGuideCard(message) {
    var card = el("article", "card");
    card.appendChild(el("h2", null, message.title || ""));
    var sections = message.sections || [];
    if (!sections.length) {
      card.appendChild(el("section", "current", message.text || ""));
    }
    sections.forEach(function (section, index) {
      var part = el("section", index === 0 ? "current" : null);
      part.appendChild(el("h3", null, section.title || ""));
      var list = el("ul");
      (section.lines || []).forEach(function (line) { list.appendChild(el("li", null, line)); });
      part.appendChild(list);
      card.appendChild(part);
    });
    if (sections.length > 1) {
      // 长辈模式 shows one section at a time with these buttons (hidden by CSS otherwise).
      var nav = el("div", "step-nav");
      var prev = el("button", null, "上一项");
      var next = el("button", null, "下一项");
      var count = el("span", "step-count");
      prev.type = next.type = "button";
      var current = 0;
      var parts = card.querySelectorAll("section");
      var show = function (index) {
        current = Math.max(0, Math.min(parts.length - 1, index));
        Array.prototype.forEach.call(parts, function (p, i) { p.classList.toggle("current", i === current); });
        count.textContent = "第 " + (current + 1) + " 项，共 " + parts.length + " 项";
        prev.disabled = current === 0;
        next.disabled = current === parts.length - 1;
      };
      prev.addEventListener("click", function () { show(current - 1); });
      next.addEventListener("click", function () { show(current + 1); });
      nav.appendChild(prev);
      nav.appendChild(count);
      nav.appendChild(next);
      card.appendChild(nav);
      show(0);
    }
    if (message.updated_at) card.appendChild(el("p", "updated", "信息更新于 " + message.updated_at));
    var href = safeHref(message.link);
    if (href) {
      var actions = el("div", "actions");
      var link = el("a", "card-link", "去办理");
      link.href = href;
      link.rel = "noopener noreferrer";
      actions.appendChild(link);
      card.appendChild(actions);
    }
    return card;
  }

  function renderMessage(message) {
    var type = message.type;
    if (type === "buttons") {
      var wrap = el("div", "row-part");
      var prompt = promptOf(message);
      if (prompt) wrap.appendChild(el("div", "bubble", prompt));
      var buttons = el("div", "buttons");
      (message.buttons || []).forEach(function (b) { buttons.appendChild(choiceButton(b.title, b.payload)); });
      wrap.appendChild(buttons);
      return wrap;
    }
    if (type === "guide_card") return renderGuideCard(message);
    if (type === "link") {
      var box = el("div", "bubble");
      box.appendChild(el("div", null, message.title || message.text || ""));
      var href = safeHref(message.url);
      if (href) {
        var a = el("a", "card-link", "打开");
        a.href = href;
        a.rel = "noopener noreferrer";
        box.appendChild(a);
      }
      return box;
    }
    if (type === "results") {
      var card = el("article", "card");
      if (message.title) card.appendChild(el("h2", null, message.title));
      var list = el("ol", "results");
      (message.items || []).forEach(function (item) {
        var li = el("li");
        if (item.payload) li.appendChild(choiceButton(item.title, item.payload));
        else if (safeHref(item.url)) {
          var link = el("a", null, item.title);
          link.href = safeHref(item.url);
          link.rel = "noopener noreferrer";
          li.appendChild(link);
        } else li.appendChild(el("span", null, item.title));
        if (item.snippet) li.appendChild(el("div", "sources", item.snippet));
        list.appendChild(li);
      });
      card.appendChild(list);
      return card;
    }
    return el("div", "bubble", message.text || "");
  }

  function spokenText(entry) {
    // The plain text of every message of a reply (a buttons message's text ends with its numbered choices).
    return (entry.messages || []).map(function (message) { return message.text || ""; })
      .filter(function (text) { return text; }).join("\n");
  }

  function renderEntry(entry) {
    // roles: user, bot, agent (a live agent's message), notice (the live desk's: taken, transferred, closed),
    // system (this page's own notices)
    var row = el("div", "row " + entry.role);
    if (entry.role === "bot" || entry.role === "agent" || entry.role === "notice") {
      if (entry.role === "agent") row.appendChild(el("div", "who", "人工客服" + (entry.agent ? " " + entry.agent : "")));
      (entry.messages || []).forEach(function (message) { row.appendChild(renderMessage(message)); });
      if (entry.sources && entry.sources.length) {
        row.appendChild(el("p", "sources", "依据：" + entry.sources.map(function (s) { return s.title || s.id; }).join("、")));
      }
      var speak = speakButton(spokenText(entry));
      if (speak) row.appendChild(speak);
    } else {
      row.appendChild(el("div", "bubble", entry.text));
    }
    log.appendChild(row);
    return row;
  }

  function renderAll() {
    log.textContent = "";
    history.forEach(renderEntry);
    scrollDown();
  }

  function add(entry) {
    history.push(entry);
    if (history.length > MAX_HISTORY) history = history.slice(-MAX_HISTORY);
    store(KEYS.history, JSON.stringify(history));
    renderEntry(entry);
    scrollDown();
  }

  // ---- talking to the gateway ------------------------------------------------------------------

  function setBusy(value) {
    busy = value;
    sendButton.disabled = value;
  }

  function send(text, shown) {
    text = (text || "").trim();
    if (!text || busy) return;
    if (text.length > MAX_CHARS) {
      add({ role: "system", text: "消息过长，最多 " + MAX_CHARS + " 个字，请分几次发送。" });
      return;
    }
    add({ role: "user", text: shown || text });
    setBusy(true);
    var typing = el("div", "row bot");
    typing.appendChild(el("div", "bubble typing", "正在为您查询…"));
    log.appendChild(typing);
    scrollDown();
    fetch("/api/chat", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender_id: senderId(), text: text, channel: "web", elder_mode: elderMode() })
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (!response.ok) throw new Error(body.detail || "服务暂时不可用，请稍后再试；急需办理可拨打 " + profile.hotline + "。");
        return body;
      });
    }).then(function (body) {
      typing.remove();
      var reply = { role: "bot", messages: body.messages || [], sources: body.sources || [] };
      var state = liveOf(body);
      // While an agent serves the citizen the bot says nothing: an empty reply shows nothing.
      if (reply.messages.length || state === undefined) {
        add(reply);
        if (elderMode() && profile.readAloud) speak(spokenText(reply));
      }
      if (state !== undefined) followLive(state);
    }).catch(function (error) {
      typing.remove();
      var text = error && error.message && !/fetch|network/i.test(error.message)
        ? error.message : "网络连接失败，请检查网络后再试；急需办理可拨打 " + hotlineText() + "。";
      add({ role: "system", text: text });
    }).then(function () {
      setBusy(false);
      input.focus();
    });
  }

  // ---- 转人工: the live agent's messages, pulled ------------------------------------------------------

  function isOpen(state) {
    return !!state && typeof state === "object" && (state.status === "waiting" || state.status === "active");
  }

  function liveOf(body) {
    // What a reply says about a live session: on its handoff message when the reply starts one, on the reply
    // itself while one is open (null once it is over); undefined for an ordinary answer of the bot.
    var found;
    (body.messages || []).forEach(function (message) {
      if (message && message.type === "handoff" && message.live !== undefined) found = message.live;
    });
    if (found !== undefined) return found;
    return Object.prototype.hasOwnProperty.call(body, "live") ? body.live : undefined;
  }

  function showLive(state) {
    live.state = isOpen(state) ? state : null;
    if (!live.state) {
      liveBar.hidden = true;
      return;
    }
    if (live.state.status === "waiting") {
      liveText.textContent = typeof live.state.ahead === "number"
        ? "排队中，前面还有 " + live.state.ahead + " 位" : "排队中，请稍候";
      liveEnd.textContent = "取消排队";
    } else {
      liveText.textContent = live.state.agent ? "人工客服 " + live.state.agent + " 为您服务" : "人工客服为您服务";
      liveEnd.textContent = "结束人工服务";
    }
    if (liveBar.hidden) {
      liveBar.hidden = false;
      scrollDown();  // the bar takes room from the log
    }
  }

  function followLive(state) {
    // A reply said where the session stands: pull while it is open, and once more when it has just ended
    // (the desk's closing words may come after the session is marked over).
    var was = live.state;
    showLive(state);
    if (state && typeof state === "object" && state.ticket_id && state.status === "open") {
      live.tickets = Math.max(live.tickets, 1);  // a 离线留言 just left: watch for its answer
    }
    if (live.state) schedulePull(live.pollSeconds);
    else if (was) pull();
    else if (live.tickets > 0 && !live.timer) schedulePull(live.ticketPollSeconds);
  }

  function nextPull() {
    // After a pull: often while a session is open (or has just ended), slowly while a 离线留言 waits.
    return live.state ? live.pollSeconds : live.tickets > 0 ? live.ticketPollSeconds : 0;
  }

  function schedulePull(seconds) {
    if (live.timer) clearTimeout(live.timer);
    live.timer = setTimeout(pull, seconds * 1000);
  }

  function addEvent(event) {
    var entry = {
      role: event.author === "agent" ? "agent" : "notice",
      agent: typeof event.agent === "string" ? event.agent : "",
      messages: Array.isArray(event.messages) ? event.messages : [],
      sources: Array.isArray(event.sources) ? event.sources : []
    };
    add(entry);
    if (elderMode() && profile.readAloud) speak(spokenText(entry));
  }

  function pull() {
    if (live.timer) { clearTimeout(live.timer); live.timer = null; }
    if (live.pulling) { live.again = true; return; }
    live.pulling = true;
    live.again = false;
    var was = live.state;
    fetch("/api/chat/" + encodeURIComponent(senderId()) + "/events?after=" + live.next, { cache: "no-store" })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      }).then(function (body) {
        live.failures = 0;
        if (typeof body.poll_seconds === "number" && body.poll_seconds > 0) live.pollSeconds = body.poll_seconds;
        if (typeof body.ticket_poll_seconds === "number" && body.ticket_poll_seconds > 0) {
          live.ticketPollSeconds = body.ticket_poll_seconds;
        }
        live.tickets = typeof body.tickets_open === "number" ? body.tickets_open : 0;
        (Array.isArray(body.events) ? body.events : []).forEach(function (event) {
          if (typeof event.id === "number" && event.id <= live.next) return;  // shown already
          addEvent(event);
        });
        if (typeof body.next === "number" && body.next > live.next) {
          live.next = body.next;
          store(KEYS.live, String(live.next));
        }
        showLive(body.live);
        live.pulling = false;
        if (live.again) pull();
        else if (was && !live.state) schedulePull(live.pollSeconds);  // just over: once more
        else if (nextPull()) schedulePull(nextPull());
      }).catch(function () {
        live.pulling = false;
        if (live.again || live.state || live.tickets > 0) {
          live.failures += 1;  // the network is back sooner or later: keep trying, less often
          var base = live.state ? live.pollSeconds : live.ticketPollSeconds;
          schedulePull(Math.min(Math.max(MAX_POLL_SECONDS, base), base * Math.pow(2, live.failures)));
        }
      });
  }

  function welcome() {
    fetch("/web/api/welcome").then(function (r) { return r.ok ? r.json() : null; }).then(function (body) {
      if (!body || typeof body !== "object") return;
      applyProfile(body);
      if (!history.length && Array.isArray(body.messages)) add({ role: "bot", messages: body.messages, sources: [] });
    }).catch(function () { /* the page still works without its welcome, generic and with 长辈模式 as usual */ });
  }

  function applyProfile(body) {
    if (typeof body.platform === "string" && body.platform) setTitle(body.platform);
    if (typeof body.hotline === "string" && body.hotline) profile.hotline = body.hotline;
    if (typeof body.hotline_name === "string" && body.hotline_name) profile.hotlineName = body.hotline_name;
    var elder = body.elder_mode && typeof body.elder_mode === "object" ? body.elder_mode : {};
    profile.highContrast = elder.high_contrast === true;
    profile.readAloud = elder.read_aloud === true && canSpeak();
    var does = ["大字", profile.highContrast ? "高对比度" : "高对比", "一次一步"];
    if (profile.readAloud) does.push("自动朗读回复");
    elderToggle.title = does.join("、");
    applyElderFeatures();
  }

  function hotlineText() {
    return profile.hotline + " " + profile.hotlineName;
  }

  function setTitle(platform) {
    var title = platform + "智能客服";
    document.getElementById("title").textContent = title;
    document.title = title;
  }

  // ---- 长辈模式 and voice ------------------------------------------------------------------------

  function setElder(on) {
    document.body.classList.toggle("elder", on);
    elderToggle.setAttribute("aria-pressed", on ? "true" : "false");
    elderToggle.textContent = on ? "长辈模式：开" : "长辈模式";
    store(KEYS.elder, on ? "1" : "0");
    applyElderFeatures();
    if (!on && reading) stopReading();
    renderAll();  // guide cards start again at their first step
  }

  function applyElderFeatures() {
    // What this platform's profile adds to 长辈模式 (none until the welcome says so).
    document.body.classList.toggle("high-contrast", elderMode() && profile.highContrast);
  }

  function setupVoice() {
    var Recognition = window.SpeechRecognition || window.webkitSpeechRecognition;
    if (!Recognition) return;  // the button stays hidden where the browser cannot listen
    voiceButton.hidden = false;
    var recognizer = null;
    voiceButton.addEventListener("click", function () {
      if (recognizer) { recognizer.stop(); return; }
      try {
        recognizer = new Recognition();
      } catch (e) { recognizer = null; return; }
      recognizer.lang = "zh-CN";
      recognizer.interimResults = false;
      recognizer.maxAlternatives = 1;
      voiceButton.classList.add("listening");
      voiceButton.textContent = "停止";
      recognizer.onresult = function (event) {
        var said = event.results[0][0].transcript || "";
        input.value = said;
        if (said) send(said);
        input.value = "";
      };
      var done = function () {
        recognizer = null;
        voiceButton.classList.remove("listening");
        voiceButton.textContent = "语音";
      };
      recognizer.onerror = function (event) {
        if (event.error === "not-allowed") add({ role: "system", text: "没有麦克风权限，请在浏览器设置中允许，或直接打字。" });
        done();
      };
      recognizer.onend = done;
      recognizer.start();
    });
  }

  function start() {
    log = document.getElementById("log");
    input = document.getElementById("input");
    sendButton = document.getElementById("send");
    elderToggle = document.getElementById("elder-toggle");
    voiceButton = document.getElementById("voice");
    readingBar = document.getElementById("reading");
    liveBar = document.getElementById("live");
    liveText = document.getElementById("live-text");
    liveEnd = document.getElementById("live-end");
    live.next = parseInt(load(KEYS.live), 10) || 0;
    try { history = JSON.parse(load(KEYS.history) || "[]"); } catch (e) { history = []; }
    if (!Array.isArray(history)) history = [];
    document.getElementById("composer").addEventListener("submit", function (event) {
      event.preventDefault();
      var text = input.value;
      input.value = "";
      send(text);
    });
    elderToggle.addEventListener("click", function () { setElder(!elderMode()); });
    document.getElementById("stop-reading").addEventListener("click", stopReading);
    liveEnd.addEventListener("click", function () { send("取消"); });
    document.getElementById("clear").addEventListener("click", function () {
      history = [];
      store(KEYS.history, "[]");
      stopReading();
      renderAll();
      welcome();
    });
    setupVoice();
    setElder(load(KEYS.elder) === "1");
    welcome();
    pull();  // a session still open, or what an agent said while the page was closed
  }

  document.addEventListener("DOMContentLoaded", start);
})();
