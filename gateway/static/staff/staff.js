// 问答库管理页面：只调用 /admin 接口；令牌保存在 sessionStorage（关闭标签页即失效）。
// Tabs are shown by permission (/admin/me): the knowledge-base tabs need `read`, 坐席工作台 needs `live_chat`
// (an agent sees only that one).
"use strict";

const PLURAL = { faq: "faqs", item: "items", package: "packages", app: "apps", synonym: "synonyms" };
const state = { token: sessionStorage.getItem("staffToken") || "", me: null, current: null, group: null };
const $ = (selector) => document.querySelector(selector);

class ApiError extends Error {
  constructor(status, detail, errors) {
    super(detail);
    this.status = status;
    this.errors = errors || [];
  }
}

async function api(method, path, body, isForm) {
  const options = { method, headers: { Authorization: "Bearer " + state.token } };
  if (body !== undefined) {
    if (isForm) {
      options.body = body;
    } else {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
  }
  const response = await fetch(path, options);
  const isJson = (response.headers.get("content-type") || "").includes("application/json");
  const data = isJson ? await response.json() : null;
  if (response.status === 401) {
    logout(detailText(data && data.detail) || "登录已失效，请重新输入令牌");
  }
  if (!response.ok) {
    throw new ApiError(response.status, detailText(data && data.detail) || "请求失败（HTTP " + response.status + "）",
      data && data.errors);
  }
  return data;
}

// `detail` is a Chinese sentence, or pydantic's list of problems ({loc, msg}) from a route that returns it as is.
function detailText(detail) {
  if (!Array.isArray(detail)) return detail;
  return detail.map((d) => (d && typeof d === "object" ? d.msg || JSON.stringify(d) : String(d))).join("；");
}

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

// A table's one row saying it has nothing to show, across all its `span` columns.
function emptyRow(text, span) {
  const cell = element("td", text, "empty");
  cell.colSpan = span;
  const tr = element("tr");
  tr.append(cell);
  return tr;
}

function button(text, onClick) {
  const node = element("button", text);
  node.type = "button";
  node.addEventListener("click", onClick);
  return node;
}

function say(text, isError) {
  const box = $("#message");
  box.textContent = text;
  box.className = isError ? "error" : "";
}

function can(permission) {
  return Boolean(state.me && state.me.permissions.includes(permission));
}

function canPublish() {
  return can("publish");
}

// -- login --------------------------------------------------------------------------------------------

async function login(token) {
  state.token = token;
  try {
    state.me = await api("GET", "/admin/me");
  } catch (error) {
    $("#login-error").textContent = error.message;
    return;
  }
  sessionStorage.setItem("staffToken", token);
  $("#login").hidden = true;
  $("#app").hidden = false;
  $("#whoami").hidden = false;
  $("#who").textContent = state.me.name + "（" + state.me.role_name + "）";
  document.querySelectorAll(".reviewer-only").forEach((node) => { node.hidden = !canPublish(); });
  document.querySelectorAll("nav button[data-needs]").forEach((node) => { node.hidden = !can(node.dataset.needs); });
  $("header h1").textContent = can("read") ? "问答库管理" : "坐席工作台";
  if (can("read")) await loadDepartments();
  showTab(can("read") ? "faqs" : "live");
}

function logout(reason) {
  stopDesk();
  desk.started = false;
  desk.selected = null;
  sessionStorage.removeItem("staffToken");
  state.token = "";
  state.me = null;
  $("#app").hidden = true;
  $("#whoami").hidden = true;
  $("#login").hidden = false;
  $("#login-error").textContent = reason || "";
}

async function loadDepartments() {
  const select = $("#faq-form").elements.department;
  const { items } = await api("GET", "/admin/departments");
  select.replaceChildren(new Option("（无）", ""));
  items.forEach((d) => select.add(new Option(d.name, d.id)));
}

// -- tabs ---------------------------------------------------------------------------------------------

const LOADERS = {
  faqs: loadFaqs,
  reviews: loadReviews,
  unanswered: loadUnanswered,
  hittests: loadHitTests,
  stats: loadStats,
  transfer: async () => {},
  live: startDesk,
};

function showTab(name) {
  if (name !== "live") stopDesk();  // away from the console the agent is not watching it: no heartbeat
  document.querySelectorAll("nav button").forEach((b) => b.classList.toggle("active", b.dataset.tab === name));
  document.querySelectorAll(".tab").forEach((s) => { s.hidden = s.id !== "tab-" + name; });
  LOADERS[name]().catch((error) => say(error.message, true));
}

// -- FAQ list -----------------------------------------------------------------------------------------

async function loadFaqs() {
  const params = new URLSearchParams({ state: $("#faq-state").value, limit: "100" });
  if ($("#faq-query").value.trim() && $("#faq-state").value === "live") params.set("q", $("#faq-query").value.trim());
  const data = await api("GET", "/admin/faqs?" + params);
  const body = $("#faq-table tbody");
  body.replaceChildren();
  data.items.forEach((row) => {
    const tr = element("tr", undefined, "clickable");
    tr.dataset.id = row.id;
    tr.append(element("td", row.id), element("td", row.title),
      element("td", row.state_name || (row.status === "published" ? "已上线" : row.status)),
      element("td", row.version || ""), element("td", row.pending ? (row.pending === "review" ? "待审核" : "草稿") : ""));
    tr.addEventListener("click", () => openEditor(row.id));
    body.append(tr);
  });
  $("#faq-total").textContent = "共 " + data.total + " 条";
}

// -- editor -------------------------------------------------------------------------------------------

function fillForm(data) {
  const form = $("#faq-form").elements;
  form.id.value = data.id || "";
  form.question.value = data.question || "";
  form.similar_questions.value = (data.similar_questions || []).join("\n");
  form.answer.value = data.answer || "";
  form.department.value = data.department || "";
  form.keywords.value = (data.keywords || []).join(",");
  form.items.value = (data.items || []).join(",");
  form.comment.value = "";
}

function readForm() {
  const form = $("#faq-form").elements;
  const list = (text, separator) => text.split(separator).map((s) => s.trim()).filter(Boolean);
  return {
    id: form.id.value.trim(),
    question: form.question.value.trim(),
    similar_questions: list(form.similar_questions.value, /\n/),
    answer: form.answer.value.trim(),
    department: form.department.value,
    keywords: list(form.keywords.value, /[,，]/),
    items: list(form.items.value, /[,，]/),
  };
}

function editorMode(current) {
  state.current = current;
  $("#faq-form").elements.id.readOnly = Boolean(current && current.exists);
  $("#editor-error").textContent = "";
  const pending = current && current.pending;
  $("#submit-review").hidden = Boolean(pending && pending.state === "review");
  $("#withdraw").hidden = !pending;
  $("#publish").hidden = !canPublish() || !pending;
  $("#reject").hidden = !canPublish() || !pending;
  $("#comment-row").hidden = !canPublish() || !pending;
  $("#history").hidden = !(current && current.live);
}

async function openEditor(id) {
  state.group = null;
  const shown = await api("GET", "/admin/faqs/" + encodeURIComponent(id));
  const pending = shown.pending;
  fillForm(pending && pending.data ? pending.data : shown.live.data);
  let text = shown.live ? "已上线第 " + shown.live.version + " 版" : "尚未上线";
  if (pending) {
    text += "；待发布的修改（" + (pending.action === "delete" ? "删除" : "修改") + "，" + pending.state_name + "，编辑："
      + pending.author + "）";
    if (pending.comment) text += "；审核意见：" + pending.comment;
  }
  $("#editor-title").textContent = "编辑 FAQ " + id;
  $("#editor-state").textContent = text;
  editorMode({ id, exists: true, live: shown.live, pending });
  await loadHistory(id, shown.live);
  $("#editor").showModal();
}

async function loadHistory(id, live) {
  const list = $("#history-list");
  list.replaceChildren();
  if (!live) return;
  const { versions } = await api("GET", "/admin/faqs/" + encodeURIComponent(id) + "/versions");
  versions.slice().reverse().forEach((v) => {
    const li = element("li", "第 " + v.version + " 版（" + (v.action === "delete" ? "删除" : "保存") + "，" + v.actor + "，"
      + v.at.replace("T", " ").slice(0, 16) + "）");
    if (v.action === "save" && v.version !== live.version) {
      li.append(" ", button("回滚到此版本", () => rollback(id, v.version)));
    }
    list.append(li);
  });
}

function newFaq(template, group) {
  fillForm(template || {});
  state.group = group || null;
  $("#editor-title").textContent = group ? "由未答问题生成 FAQ" : "新建 FAQ";
  $("#editor-state").textContent = "保存后为草稿，提交审核并由审核员发布后才会上线";
  editorMode({ exists: false });
  $("#editor").showModal();
}

async function save() {
  const entry = readForm();
  if (state.group) {
    const made = await api("POST", "/admin/unanswered/" + state.group + "/faq", entry);
    state.group = null;
    return made.id;
  }
  if (state.current && state.current.exists) {
    await api("PUT", "/admin/faqs/" + encodeURIComponent(entry.id), entry);
  } else {
    await api("POST", "/admin/faqs", entry);
  }
  return entry.id;
}

// An API error as lines: the detail, then the row reasons it did not already say.
function errorText(error) {
  const lines = [error.message].concat((error.errors || []).filter((e) => e.reason !== error.message).map((e) => e.reason));
  return lines.join("\n");
}

function showEditorError(error) {
  $("#editor-error").textContent = errorText(error);
}

async function step(action) {
  try {
    await action();
  } catch (error) {
    showEditorError(error);
  }
}

async function rollback(id, version) {
  await step(async () => {
    await api("POST", "/admin/faqs/" + encodeURIComponent(id) + "/rollback", { version, publish: false });
    say("已把第 " + version + " 版的内容存为草稿，请提交审核");
    await openEditor(id);
  });
}

function bindEditor() {
  $("#save-draft").addEventListener("click", () => step(async () => {
    const id = await save();
    say("已保存草稿：" + id);
    $("#editor").close();
    await openEditor(id);
  }));
  $("#submit-review").addEventListener("click", () => step(async () => {
    const id = await save();
    await api("POST", "/admin/faqs/" + encodeURIComponent(id) + "/submit");
    say("已提交审核：" + id);
    $("#editor").close();
    await loadFaqs();
  }));
  $("#publish").addEventListener("click", () => step(async () => {
    const id = state.current.id;
    const result = await api("POST", "/admin/faqs/" + encodeURIComponent(id) + "/publish",
      { comment: $("#faq-form").elements.comment.value.trim() });
    say("已发布：" + id + "（第 " + result.version + " 版），几秒内即可在对话中查到");
    $("#editor").close();
    await loadFaqs();
  }));
  $("#reject").addEventListener("click", () => step(async () => {
    const comment = $("#faq-form").elements.comment.value.trim();
    if (!comment) throw new ApiError(422, "退回时请填写审核意见");
    await api("POST", "/admin/faqs/" + encodeURIComponent(state.current.id) + "/reject", { comment });
    say("已退回：" + state.current.id);
    $("#editor").close();
    await loadFaqs();
  }));
  $("#withdraw").addEventListener("click", () => step(async () => {
    await api("POST", "/admin/faqs/" + encodeURIComponent(state.current.id) + "/withdraw");
    say("已撤销草稿：" + state.current.id);
    $("#editor").close();
    await loadFaqs();
  }));
  $("#close-editor").addEventListener("click", () => $("#editor").close());
}

// -- review queue -------------------------------------------------------------------------------------

function describeValue(value) {
  if (value === null || value === undefined) return "（空）";
  return Array.isArray(value) ? value.join("、") || "（空）" : String(value);
}

async function loadReviews() {
  const data = await api("GET", "/admin/reviews");
  const box = $("#review-list");
  box.replaceChildren();
  if (!data.items.length) box.append(element("p", "没有待审核的修改"));
  data.items.forEach((change) => {
    const card = element("article", undefined, "review");
    card.dataset.id = change.id;
    card.append(element("h3", change.kind_name + " " + change.id + "：" + change.title));
    card.append(element("p", (change.action === "delete" ? "申请删除" : change.live_version ? "修改" : "新建") + "，编辑：" + change.author
      + "，提交于 " + String(change.submitted_at || change.updated_at).replace("T", " ").slice(0, 16)));
    if (change.stale) card.append(element("p", "注意：这份修改之后条目已被他人更新，发布会被拒绝", "stale"));
    const list = element("ul");
    change.changes.forEach((c) => {
      const li = element("li", undefined, "change");
      li.append(element("strong", c.label + "："), element("del", describeValue(c.old)), " → ", element("ins", describeValue(c.new)));
      list.append(li);
    });
    card.append(list);
    if (change.hit_tests) card.append(hitTestComparison(change.hit_tests));
    const path = "/admin/" + PLURAL[change.kind] + "/" + encodeURIComponent(change.id);
    if (canPublish()) {
      card.append(button("发布", () => reviewStep(async () => {
        const result = await api("POST", path + "/publish", {});
        say("已发布：" + change.id + "（第 " + result.version + " 版）");
      })), " ", button("退回", () => reviewStep(async () => {
        const comment = window.prompt("退回理由");
        if (!comment) return;
        await api("POST", path + "/reject", { comment });
        say("已退回：" + change.id);
      })));
    }
    if (change.kind === "faq") card.append(" ", button("查看", () => openEditor(change.id).catch((e) => say(e.message, true))));
    box.append(card);
  });
}

async function reviewStep(action) {
  try {
    await action();
  } catch (error) {
    say(error.message, true);
  }
  await loadReviews();
}

// -- unanswered questions -----------------------------------------------------------------------------

async function loadUnanswered() {
  const data = await api("GET", "/admin/unanswered");
  const body = $("#unanswered-table tbody");
  body.replaceChildren();
  data.items.forEach((group) => {
    const tr = element("tr");
    tr.dataset.id = group.id;
    const others = group.examples.filter((t) => t !== group.text).join(" / ");
    const actions = element("td");
    actions.append(button("生成 FAQ", async () => {
      try {
        const template = await api("GET", "/admin/unanswered/" + group.id + "/faq-template");
        newFaq(template, group.id);
      } catch (error) {
        say(error.message, true);
      }
    }), " ", similarControl(group), " ", button("忽略", async () => {
      try {
        await api("POST", "/admin/unanswered/" + group.id + "/ignore");
        await loadUnanswered();
      } catch (error) {
        say(error.message, true);
      }
    }));
    tr.append(element("td", group.text), element("td", group.count),
      element("td", String(group.last_at).replace("T", " ").slice(0, 16)), element("td", others), actions);
    body.append(tr);
  });
}

// The group's ways of asking become similar questions of an existing FAQ (a change for review).
function similarControl(group) {
  const box = element("span", null, "similar");
  const input = element("input");
  input.placeholder = "已有 FAQ 编号";
  input.setAttribute("aria-label", "要补充相似问法的 FAQ 编号");
  input.maxLength = 64;
  box.append(input, " ", button("加为相似问法", async () => {
    const faqId = input.value.trim();
    if (!faqId) {
      say("请先填写要补充相似问法的 FAQ 编号", true);
      return;
    }
    try {
      const change = await api("POST", "/admin/unanswered/" + group.id + "/similar", { faq_id: faqId });
      say("已把这组问法加到 " + change.id + " 的相似问法（草稿，待提交审核）");
      await loadUnanswered();
    } catch (error) {
      say(error.message, true);
    }
  }));
  return box;
}

// -- hit tests (命中测试) --------------------------------------------------------------------------------

const OUTCOME_ORDER = [["right", "答对"], ["offered", "给出选项"], ["wrong", "答错"], ["nothing", "没答出"]];

function describeCounts(counts) {
  return OUTCOME_ORDER.map(([key, name]) => name + " " + counts[key]).join("，");
}

function describeGot(got) {
  return got.length ? got.map((g) => g.title + "（" + g.key + "）").join(" / ") : "（无）";
}

function describeExpected(row) {
  return row.expected ? (row.expected_title ? row.expected_title + "（" + row.expected + "）" : row.expected) : "无";
}

function showHitTestRun(result) {
  const box = $("#hittest-result");
  box.replaceChildren();
  box.append(element("h3", "测试集“" + result.name + "”的结果（共 " + result.total + " 条）"));
  const counts = element("dl");
  counts.id = "hittest-counts";
  OUTCOME_ORDER.forEach(([key, name]) => {
    const dt = element("dt", name);
    const dd = element("dd", result.counts[key]);
    dd.dataset.outcome = key;
    counts.append(dt, dd);
  });
  box.append(counts);
  if (!result.misses.length) {
    box.append(element("p", "全部答对"));
    return;
  }
  const table = element("table");
  table.id = "hittest-misses";
  const head = element("tr");
  ["行", "问题", "应命中", "结果", "实际给出"].forEach((t) => head.append(element("th", t)));
  table.append(head);
  result.misses.forEach((row) => {
    const tr = element("tr");
    tr.dataset.outcome = row.outcome;
    tr.append(element("td", row.row), element("td", row.question), element("td", describeExpected(row)),
      element("td", row.outcome_name), element("td", describeGot(row.got)));
    table.append(tr);
  });
  box.append(table);
}

async function loadHitTests() {
  const data = await api("GET", "/admin/hit-tests");
  const body = $("#hittest-table tbody");
  body.replaceChildren();
  data.items.forEach((set) => {
    const tr = element("tr");
    tr.dataset.id = set.id;
    const actions = element("td");
    actions.append(button("运行", () => runHitTest(set.id)), " ", button("删除", async () => {
      if (!window.confirm("删除测试集“" + set.name + "”？")) return;
      try {
        await api("DELETE", "/admin/hit-tests/" + set.id);
        await loadHitTests();
      } catch (error) {
        say(error.message, true);
      }
    }));
    tr.append(element("td", set.name), element("td", set.size), element("td", set.created_by),
      element("td", set.last_counts ? describeCounts(set.last_counts) : "尚未运行"), actions);
    body.append(tr);
  });
}

async function runHitTest(id) {
  $("#hittest-result").replaceChildren(element("p", "正在运行……"));
  try {
    showHitTestRun(await api("POST", "/admin/hit-tests/" + id + "/run"));
    await loadHitTests();
  } catch (error) {
    $("#hittest-result").replaceChildren(element("p", error.message, "error"));
  }
}

async function uploadHitTest(event) {
  event.preventDefault();
  const box = $("#hittest-upload");
  box.replaceChildren();
  const form = new FormData();
  form.append("name", $("#hittest-name").value.trim());
  form.append("file", $("#hittest-file").files[0]);
  try {
    const saved = await api("POST", "/admin/hit-tests/import", form, true);
    box.append(element("p", (saved.replaced ? "已替换" : "已保存") + "测试集“" + saved.name + "”：" + saved.size + " 条问题"));
    await loadHitTests();
    await runHitTest(saved.id);
  } catch (error) {
    box.append(element("p", error.message, "error"));
    if (error.errors.length) box.append(problemTable("hittest-errors", error.errors));
  }
}

function hitTestRows(title, rows, className) {
  const part = element("div", undefined, className);
  part.append(element("p", title + " " + rows.length + " 条" + (rows.length ? "：" : "")));
  if (!rows.length) return part;
  const table = element("table");
  const head = element("tr");
  ["问题", "应命中", "现在", "发布后"].forEach((t) => head.append(element("th", t)));
  table.append(head);
  rows.forEach((row) => {
    const tr = element("tr");
    tr.append(element("td", row.question), element("td", describeExpected(row)),
      element("td", row.before.outcome_name + "：" + describeGot(row.before.got)),
      element("td", row.after.outcome_name + "：" + describeGot(row.after.got)));
    table.append(tr);
  });
  part.append(table);
  return part;
}

function hitTestComparison(found) {
  const box = element("section", undefined, "hit-comparison");
  box.append(element("h4", "命中测试（现在 → 发布这份修改后）"));
  if (found.error) box.append(element("p", found.error, "error"));
  found.sets.forEach((set) => {
    const part = element("div");
    part.dataset.set = set.name;
    part.append(element("p", "测试集“" + set.name + "”：" + describeCounts(set.before) + " → " + describeCounts(set.after)));
    part.append(hitTestRows("变好", set.better, "better"), hitTestRows("变差", set.worse, "worse"));
    box.append(part);
  });
  return box;
}

// -- statistics ---------------------------------------------------------------------------------------

function percent(rate) {
  return rate === null || rate === undefined ? "—" : (rate * 100).toFixed(1) + "%";
}

async function loadStats() {
  const s = await api("GET", "/admin/stats");
  const index = await api("GET", "/admin/index-status");
  const summary = $("#stats-summary");
  summary.replaceChildren();
  const rows = [
    ["统计区间", s.since + " 至 " + s.until],
    ["提问数", s.questions.total],
    ["回答率", percent(s.questions.answer_rate)],
    ["转办次数", s.handoffs.total],
    ["满意率", percent(s.satisfaction.satisfied_rate) + "（" + s.satisfaction.ratings + " 次评价）"],
    ["待处理未答问题组", s.unanswered_open_groups],
    ["搜索索引", index.state],
  ];
  rows.forEach(([name, value]) => summary.append(element("dt", name), element("dd", value)));
  const top = $("#stats-top");
  top.replaceChildren();
  s.top_questions.forEach((q) => top.append(element("li", q.text + "（" + q.count + " 次）")));
  showLiveStats(s.live);
  await loadEntryStats();
}

// 人工客服: the `live` section of /admin/stats (gateway/live/stats.py). With no session a mean is null: "—".
const LIVE_ENDINGS = { resolved: "已解决", unresolved: "未解决", citizen_ended: "群众结束", abandoned: "群众离开",
  unknown: "其他" };

function durations(figures) {
  if (!figures || !figures.count) return "—";
  return "平均 " + waited(figures.mean) + "，中位 " + waited(figures.median) + "（" + figures.count + " 次）";
}

function showLiveStats(live) {
  const part = $("#stats-live-part");
  part.hidden = !live;
  if (!live) return;
  const endings = Object.entries(live.outcomes || {}).map(([key, n]) => (LIVE_ENDINGS[key] || key) + " " + n);
  const r = live.ratings;
  const rows = [
    ["转人工会话", live.sessions],
    ["会话状态", "坐席接入 " + live.taken + "，排队中 " + live.waiting + "，接待中 " + live.active + "，取消排队 "
      + live.cancelled],
    ["结束方式", endings.length ? endings.join("，") : "—"],
    ["排队等待", durations(live.wait_seconds)],
    ["首次回复", durations(live.first_response_seconds)],
    ["解决率", percent(live.resolved_rate) + (live.closed_by_agent ? "（坐席结束的 " + live.closed_by_agent
      + " 次中已解决 " + live.resolved + " 次）" : "")],
    ["群众评价", r.total ? Object.entries(r.by_rating).map(([name, n]) => name + " " + n).join("，") + "；平均 "
      + (r.mean === null ? "—" : r.mean + " 分") + "（" + r.total + " 次评价）" : "—"],
    ["离线留言", live.tickets.total + " 条（待答复 " + live.tickets.open + "，已答复 " + live.tickets.answered + "）"],
  ];
  const summary = $("#stats-live");
  summary.replaceChildren();
  rows.forEach(([name, value]) => summary.append(element("dt", name), element("dd", value)));
  const body = $("#stats-live-agents tbody");
  body.replaceChildren();
  if (!live.by_agent.length) {
    body.append(emptyRow("统计区间内没有坐席接待过会话", 3));
  }
  live.by_agent.forEach((a) => {
    const tr = element("tr");
    tr.dataset.agent = a.agent;
    tr.append(element("td", a.agent || "（未知）"), element("td", a.conversations), element("td", a.resolved));
    body.append(tr);
  });
}

const ENTRY_KINDS = { faq: "FAQ", item: "事项", package: "一件事", app: "应用" };

async function loadEntryStats() {
  const e = await api("GET", "/admin/stats/entries?days=30");
  const body = $("#entry-stats tbody");
  body.replaceChildren();
  e.entries.forEach((row) => {
    const tr = element("tr");
    tr.dataset.id = row.type + ":" + row.id;
    tr.append(element("td", ENTRY_KINDS[row.type] || row.type), element("td", row.title || row.id),
      element("td", row.answered), element("td", row.not_helpful), element("td", row.offered),
      element("td", row.offered_not_chosen));
    body.append(tr);
  });
  $("#never-hit-title").textContent = "30 天内从未命中的条目（共 " + e.never_hit_total + " 条）";
  const never = $("#never-hit");
  never.replaceChildren();
  e.never_hit.forEach((row) => never.append(element("li", (ENTRY_KINDS[row.type] || row.type) + "：" + (row.title || row.id))));
}

// -- import and export --------------------------------------------------------------------------------

function problemTable(id, problems) {
  const table = element("table");
  table.id = id;
  const head = element("tr");
  head.append(element("th", "行"), element("th", "原因"));
  table.append(head);
  problems.forEach((e) => {
    const tr = element("tr");
    tr.append(element("td", e.row), element("td", e.reason));
    table.append(tr);
  });
  return table;
}

function downloadLink(file) {
  const bytes = Uint8Array.from(atob(file.content_base64), (c) => c.charCodeAt(0));
  const link = element("a", "下载出错的 " + file.rows + " 行（" + file.filename + "）");
  link.id = "import-rejected";
  link.href = URL.createObjectURL(new Blob([bytes], { type: file.media_type }));
  link.download = file.filename;
  return link;
}

async function importFile(event) {
  event.preventDefault();
  const box = $("#import-result");
  box.replaceChildren();
  const form = new FormData();
  form.append("file", $("#import-file").files[0]);
  const mode = $("#import-partial").checked ? "partial" : "all";
  try {
    const result = await api("POST", "/admin/faqs/import?mode=" + mode, form, true);
    box.append(element("p", "已导入 " + result.total + " 条：发布 " + result.published + " 条（新增 " + result.created
      + "，更新 " + result.updated + "，未变 " + result.unchanged + "），草稿 " + result.drafts + " 条"));
    if (result.new_departments && result.new_departments.length) {
      box.append(element("p", "新建部门 " + result.new_departments.length + " 个：" + result.new_departments.join("、")));
    }
    if (result.warnings && result.warnings.length) {
      box.append(element("p", "警告 " + result.warnings.length + " 条（已导入）："));
      box.append(problemTable("import-warnings", result.warnings));
    }
    if (result.rejected_file) {
      box.append(element("p", "有 " + result.rejected_file.rows + " 行出错，没有导入：", "error"));
      box.append(problemTable("import-errors", result.errors));
      box.append(downloadLink(result.rejected_file));
    }
  } catch (error) {
    box.append(element("p", error.message, "error"));
    if (error.errors.length) {
      box.append(problemTable("import-errors", error.errors));
    }
  }
}

async function exportFile(format) {
  const response = await fetch("/admin/faqs/export?format=" + format, { headers: { Authorization: "Bearer " + state.token } });
  if (!response.ok) {
    say("导出失败（HTTP " + response.status + "）", true);
    return;
  }
  const url = URL.createObjectURL(await response.blob());
  const link = element("a");
  link.href = url;
  link.download = "faqs." + format;
  link.click();
  URL.revokeObjectURL(url);
}

// -- 坐席工作台 (live agents) ---------------------------------------------------------------------------
// While this tab is shown it beats (POST /admin/live/heartbeat) every 10 s — the agent counts as online
// — and refreshes the queue and the open session every 2.5 s. A closed browser simply stops beating: its
// sessions go back to the queue after the desk's timeout. 退出 signs off at once.

const LIVE_REFRESH_MS = 2500;
const LIVE_HEARTBEAT_MS = 10000;
const SENDABLE = new Set(["faq", "item", "package", "app"]);  // the kinds POST .../entries accepts
const CHANNEL_NAMES = { web: "网页", app: "APP", wechat: "公众号", miniprogram: "小程序" };
const SESSION_STATUS = { waiting: "排队中", active: "接待中", closed: "已结束", cancelled: "已取消" };
const OUTCOME_NAMES = { resolved: "已解决", unresolved: "未解决" };
const desk = { started: false, timers: [], selected: null, mine: new Set(), seq: 0, shownSeq: 0, shownKey: "",
  transcriptOf: null, ticketKey: "" };

function channelName(channel) {
  return CHANNEL_NAMES[channel] || channel || "未知渠道";
}

function waited(seconds) {
  const total = Math.max(0, Math.round(seconds || 0));
  return total < 60 ? total + " 秒" : Math.floor(total / 60) + " 分 " + (total % 60) + " 秒";
}

function clock(at) {
  if (!at) return "";
  const when = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(at) ? at : at + "Z");  // the desk's times are UTC
  return isNaN(when) ? String(at) : when.toLocaleString("zh-CN", { hour12: false });
}

function deliveryNote(name) {
  return element("span", name, "delivery" + (/未送达/.test(name || "") ? " failed" : ""));
}

function stopDesk() {
  desk.timers.forEach(clearInterval);
  desk.timers = [];
}

async function startDesk() {
  stopDesk();
  desk.started = true;
  const quietly = (action) => () => action().catch((error) => say(error.message, true));
  desk.timers.push(setInterval(quietly(beat), LIVE_HEARTBEAT_MS), setInterval(quietly(refreshDesk), LIVE_REFRESH_MS));
  await beat();
  await loadLiveHours(await loadLiveDepartments());
  desk.ticketKey = "";
  await refreshDesk();
}

async function beat() {
  await api("POST", "/admin/live/heartbeat");
}

async function signOff() {
  if (!desk.started || !state.token) return;
  stopDesk();
  try {  // not api(): a refused sign-off must not log out twice
    await fetch("/admin/live/sign-off", { method: "POST", headers: { Authorization: "Bearer " + state.token } });
  } catch (error) {
    // the heartbeat's timeout returns the sessions anyway
  }
}

async function loadLiveDepartments() {
  const { items } = await api("GET", "/admin/live/departments");
  const filter = $("#live-filter");
  const chosen = filter.value;
  filter.replaceChildren(new Option("全部部门", ""));
  items.filter((d) => d.id).forEach((d) => filter.add(new Option(d.name, d.id)));
  filter.value = chosen;
  const to = $("#live-transfer-to");
  to.replaceChildren();
  items.forEach((d) => to.add(new Option(d.name + (d.open_now ? "" : "（非服务时间）"), d.id)));
  return items;
}

// -- 人工服务时间 (service hours of 转人工) --
// Every agent sees what is in force (GET /admin/live/hours); an admin (manage_staff) edits it in place: 保存
// replaces the whole setting (PUT), 恢复档案设置 drops it for the profile's `live_chat` (DELETE). Loaded when
// the tab opens and after a change, never by the desk's refresh (it would wipe what the admin is typing).

const WEEKDAY_NAMES = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"];
const HOURS_SOURCES = { profile: "档案设置", console: "工作台设置" };

function describeDays(days) {
  const sorted = [...new Set(days)].sort((a, b) => a - b);
  const consecutive = sorted.length > 2 && sorted[sorted.length - 1] - sorted[0] === sorted.length - 1;
  if (consecutive) return WEEKDAY_NAMES[sorted[0] - 1] + "至" + WEEKDAY_NAMES[sorted[sorted.length - 1] - 1];
  return sorted.map((d) => WEEKDAY_NAMES[d - 1]).join("、");
}

function describeHours(hours) {
  if (!hours.days.length || !hours.periods.length) return "不提供人工服务";
  return describeDays(hours.days) + " " + hours.periods.join("、");
}

function splitPeriods(text) {
  return text.split(/[、,，;；\s]+/).map((p) => p.trim()).filter(Boolean);
}

async function loadLiveHours(departments) {
  const config = await api("GET", "/admin/live/hours");
  showLiveHours(config, departments || await loadLiveDepartments());
}

// The rows: the default hours, each department of the list (id "" is the general queue), and any department
// the setting names that the list does not have (kept, so that saving does not drop it).
function hoursRows(config, departments) {
  const rows = [{ scope: "default", name: "默认时间（未单独设置的部门）", hours: config.hours }];
  const known = new Set();
  departments.forEach((d) => {
    known.add(d.id);
    rows.push({ id: d.id, name: d.name, hours: config.departments[d.id] || null, openNow: d.open_now });
  });
  Object.keys(config.departments).filter((id) => !known.has(id)).forEach((id) => {
    rows.push({ id, name: id + "（部门列表中没有）", hours: config.departments[id], openNow: null });
  });
  return rows;
}

function showLiveHours(config, departments) {
  const editable = can("manage_staff");
  $("#live-hours-source").textContent = "现行设置：" + (HOURS_SOURCES[config.source] || config.source)
    + (config.source === "console" ? "（管理员在工作台所设，覆盖省份档案中的设置）" : "（省份档案中的设置）");
  $("#live-hours-error").textContent = "";
  const body = $("#live-hours-table tbody");
  body.replaceChildren();
  hoursRows(config, departments).forEach((row) => {
    const tr = element("tr");
    if (row.scope) tr.dataset.scope = row.scope;
    else tr.dataset.department = row.id;
    const when = element("td", undefined, "hours");
    if (editable) {
      hoursEditor(when, row, config.hours);
    } else {
      when.textContent = row.hours ? describeHours(row.hours) : "使用默认时间（" + describeHours(config.hours) + "）";
    }
    const now = row.openNow === undefined || row.openNow === null ? "—" : row.openNow ? "服务中" : "非服务时间";
    tr.append(element("td", row.name), when, element("td", now, row.openNow ? "open" : ""));
    body.append(tr);
  });
  const limit = $("#live-hours-limit");
  limit.replaceChildren();
  const note = "（全部部门合计正在排队的人数；排满后群众改为留言）";
  if (editable) {
    const input = element("input");
    input.id = "live-queue-limit";
    input.type = "number";
    input.min = "0";
    input.step = "1";
    input.value = String(config.queue_limit);
    const label = element("label", "排队上限 ");
    label.append(input, " 人");
    limit.append(label, note);
  } else {
    limit.textContent = "排队上限：" + config.queue_limit + " 人" + note;
  }
  if (editable) {  // the rows that use the default hours show them as the form has them now
    const defaults = $("#live-hours-table tr[data-scope=default]");
    defaults.addEventListener("input", () => {
      const hours = readHoursRow(defaults);
      document.querySelectorAll("#live-hours-table tr[data-department]").forEach((tr) => {
        if (tr.querySelector("input.inherit").checked) copyHours(hours, tr);
      });
    });
  }
  $("#live-hours-hint").hidden = !editable;
  $("#live-hours-actions").hidden = !editable;
}

// The editing controls of one row in `cell`: for a department 使用默认时间, the weekdays and the periods.
function hoursEditor(cell, row, defaults) {
  const shown = row.hours || defaults;
  const days = element("span", undefined, "days");
  WEEKDAY_NAMES.forEach((name, i) => {
    const box = element("input");
    box.type = "checkbox";
    box.value = String(i + 1);
    box.checked = shown.days.includes(i + 1);
    const label = element("label");
    label.append(box, name);
    days.append(label);
  });
  const periods = element("input", undefined, "periods");
  periods.value = shown.periods.join("、");
  periods.maxLength = 200;
  periods.placeholder = "09:00-12:00、13:30-17:30";
  periods.setAttribute("aria-label", row.name + "的时段");
  const periodsLabel = element("label", "时段 ");
  periodsLabel.append(periods);
  if (row.scope !== "default") {
    const inherit = element("input", undefined, "inherit");
    inherit.type = "checkbox";
    inherit.checked = !row.hours;
    const own = () => {
      days.querySelectorAll("input").forEach((box) => { box.disabled = inherit.checked; });
      periods.disabled = inherit.checked;
    };
    inherit.addEventListener("change", () => {
      // own hours start from the default hours as they are on the form now
      if (!inherit.checked) copyHours(readHoursRow($("#live-hours-table tr[data-scope=default]")), cell);
      own();
    });
    const label = element("label", undefined, "inherit-label");
    label.append(inherit, "使用默认时间");
    cell.append(label);
    own();
  }
  cell.append(days, periodsLabel);
}

function copyHours(hours, into) {
  into.querySelectorAll(".days input").forEach((box) => { box.checked = hours.days.includes(Number(box.value)); });
  into.querySelector("input.periods").value = hours.periods.join("、");
}

function readHoursRow(tr) {
  return {
    days: [...tr.querySelectorAll(".days input:checked")].map((box) => Number(box.value)),
    periods: splitPeriods(tr.querySelector("input.periods").value),
  };
}

// The whole setting as the form has it (PUT replaces everything): {hours, departments, queue_limit}.
function readHours() {
  const limit = $("#live-queue-limit").value.trim();
  if (!/^\d+$/.test(limit)) throw new ApiError(422, "排队上限应为不小于 0 的整数");
  const departments = {};
  document.querySelectorAll("#live-hours-table tr[data-department]").forEach((tr) => {
    if (!tr.querySelector("input.inherit").checked) departments[tr.dataset.department] = readHoursRow(tr);
  });
  return {
    hours: readHoursRow($("#live-hours-table tr[data-scope=default]")),
    departments,
    queue_limit: Number(limit),
  };
}

async function saveLiveHours(event) {
  event.preventDefault();
  $("#live-hours-error").textContent = "";
  try {
    await api("PUT", "/admin/live/hours", readHours());
    await loadLiveHours();
    say("已保存人工服务时间（工作台设置），立即生效");
  } catch (error) {
    $("#live-hours-error").textContent = errorText(error);
  }
}

async function resetLiveHours() {
  if (!window.confirm("恢复为省份档案中的人工服务时间与排队上限？在工作台所做的设置将被撤销。")) return;
  $("#live-hours-error").textContent = "";
  try {
    await api("DELETE", "/admin/live/hours");
    await loadLiveHours();
    say("已恢复档案设置的人工服务时间");
  } catch (error) {
    $("#live-hours-error").textContent = errorText(error);
  }
}

async function refreshDesk() {
  const seq = ++desk.seq;
  const department = $("#live-filter").value;
  const data = await api("GET", "/admin/live/queue" + (department ? "?department=" + encodeURIComponent(department) : ""));
  if (seq < desk.shownSeq) return;  // a later refresh has shown newer data already
  desk.shownSeq = seq;
  showQueue(data);
  const ticketKey = $("#live-ticket-status").value + ":" + data.open_tickets;
  if (ticketKey !== desk.ticketKey) {  // a 离线留言 came or was answered: the list again (drafts are kept)
    desk.ticketKey = ticketKey;
    await loadTickets();
  }
  if (desk.selected) await showSession(desk.selected);
}

function showQueue(data) {
  $("#live-status").textContent = "在线坐席 " + data.agents_online + " 人；排队 " + data.waiting.length
    + " 人；我接待中 " + data.mine.length + " 人；待答复留言 " + data.open_tickets + " 条";
  $("#live-waiting-count").textContent = "（" + data.waiting.length + " 人）";
  $("#live-ticket-count").textContent = "（待答复 " + data.open_tickets + " 条）";
  const body = $("#live-queue tbody");
  body.replaceChildren();
  if (!data.waiting.length) {
    body.append(emptyRow("没有排队中的群众", 5));
  }
  data.waiting.forEach((s) => {
    const tr = element("tr", undefined, "clickable" + (desk.selected === s.id ? " selected" : ""));
    tr.dataset.id = s.id;
    const actions = element("td");
    actions.append(button("接入", (event) => {
      event.stopPropagation();
      takeSession(s.id);
    }));
    tr.append(element("td", s.citizen + "（" + channelName(s.channel) + "）"), element("td", s.department_name),
      element("td", s.topic || "（未知）"), element("td", waited(s.waited_seconds) + (s.requeued ? "（退回排队）" : "")),
      actions);
    tr.addEventListener("click", () => selectSession(s.id));
    body.append(tr);
  });
  desk.mine = new Set(data.mine.map((s) => s.id));
  const mine = $("#live-mine");
  mine.replaceChildren();
  if (!data.mine.length) mine.append(element("li", "（暂无）", "empty"));
  data.mine.forEach((s) => {
    const li = element("li", s.citizen + " · " + (s.topic || "（未知话题）") + " · " + s.department_name,
      desk.selected === s.id ? "selected" : "");
    li.dataset.id = s.id;
    li.addEventListener("click", () => selectSession(s.id));
    mine.append(li);
  });
}

async function takeSession(id) {
  try {
    await api("POST", "/admin/live/sessions/" + id + "/take");
    say("已接入会话 " + id);
    await selectSession(id);
  } catch (error) {
    say(error.message, true);  // 409: someone else took it (the desk's words name who)
  }
  await refreshDesk().catch((error) => say(error.message, true));
}

async function selectSession(id) {
  desk.selected = id;
  desk.shownKey = "";
  desk.transcriptOf = null;
  $("#live-entry-results").replaceChildren();
  $("#live-delivery").textContent = "";
  document.querySelectorAll("#live-queue tr, #live-mine li").forEach((node) => {
    node.classList.toggle("selected", Number(node.dataset.id) === id);
  });
  try {
    await showSession(id);
  } catch (error) {
    say(error.message, true);
  }
}

async function showSession(id) {
  const s = await api("GET", "/admin/live/sessions/" + id);
  if (desk.selected !== id) return;
  $("#live-session").hidden = false;
  $("#live-title").textContent = "会话 " + s.id + "：" + (s.topic || "（未知话题）");
  $("#live-meta").textContent = [s.citizen + "（" + channelName(s.channel) + "）", s.department_name,
    SESSION_STATUS[s.status] || s.status, s.agent ? "坐席：" + s.agent : "",
    s.outcome ? "结果：" + (OUTCOME_NAMES[s.outcome] || s.outcome) : "", s.contact ? "联系方式：" + s.contact : ""]
    .filter(Boolean).join(" · ");
  if (desk.transcriptOf !== s.id) {
    desk.transcriptOf = s.id;
    showTranscript(s);
  }
  const last = s.messages.length ? s.messages[s.messages.length - 1].id : 0;
  const key = s.id + ":" + s.messages.length + ":" + last;
  if (key !== desk.shownKey) {
    desk.shownKey = key;
    showLiveMessages(s.messages);
  }
  const mine = s.status === "active" && desk.mine.has(s.id);
  $("#live-controls").hidden = !mine;
  document.querySelectorAll("#live-offered button").forEach((node) => { node.hidden = !mine; });
  $("#live-take-selected").hidden = s.status !== "waiting";
}

function showTranscript(s) {
  const list = $("#live-transcript");
  list.replaceChildren();
  if (!s.transcript.length) list.append(element("li", "（转人工前没有对话）"));
  s.transcript.forEach((turn) => {
    const li = element("li");
    li.append(element("div", "群众：" + turn.question));
    if (turn.answer) li.append(element("div", "智能客服：" + turn.answer, "answer"));
    if (turn.sources && turn.sources.length) {
      li.append(element("div", "依据：" + turn.sources.map((x) => x.title || x.id).join("、"), "answer"));
    }
    list.append(li);
  });
  const offered = $("#live-offered");
  offered.replaceChildren();
  if (!s.offered.length) return;
  offered.append(element("p", "智能客服给出过的条目："));
  const entries = element("ul");
  s.offered.forEach((entry) => {
    const li = element("li", (ENTRY_KINDS[entry.type] || entry.type) + "：" + (entry.title || entry.id) + " ");
    li.dataset.id = entry.type + ":" + entry.id;
    if (SENDABLE.has(entry.type)) li.append(button("发给群众", () => sendEntry(entry.type, entry.id)));
    entries.append(li);
  });
  offered.append(entries);
}

function showLiveMessages(found) {
  const list = $("#live-messages");
  list.replaceChildren();
  if (!found.length) list.append(element("li", "（还没有人工消息）", "empty"));
  found.forEach((m) => {
    const li = element("li");
    li.dataset.author = m.author;
    li.dataset.id = m.id;
    const by = m.author === "citizen" ? "群众" : m.author === "agent" ? "坐席 " + (m.name || "") : "系统";
    li.append(element("span", by + " " + clock(m.at), "by"), element("span", m.text, "text"));
    if (m.source) li.append(element("span", "知识库条目：" + (m.source.title || m.source.id), "delivery"));
    if (m.author !== "citizen" && m.delivery_name) li.append(deliveryNote(m.delivery_name));
    list.append(li);
  });
  list.scrollTop = list.scrollHeight;
}

function showDelivery(sent) {
  const box = $("#live-delivery");
  box.textContent = "刚发送的消息：" + sent.delivery_name;
  box.className = /未送达/.test(sent.delivery_name || "") ? "failed" : "";
}

async function sendReply(event) {
  event.preventDefault();
  const text = $("#live-text").value.trim();
  if (!text || !desk.selected) return;
  try {
    const sent = await api("POST", "/admin/live/sessions/" + desk.selected + "/messages", { text });
    $("#live-text").value = "";
    showDelivery(sent);
    await showSession(desk.selected);
  } catch (error) {
    say(error.message, true);
  }
}

async function searchEntries(event) {
  event.preventDefault();
  const q = $("#live-entry-query").value.trim();
  const list = $("#live-entry-results");
  list.replaceChildren();
  if (!q) return;
  try {
    const { items } = await api("GET", "/admin/live/entries?q=" + encodeURIComponent(q));
    const usable = items.filter((hit) => SENDABLE.has(hit.type));
    if (!usable.length) list.append(element("li", "知识库中没有找到"));
    usable.forEach((hit) => {
      const li = element("li");
      li.dataset.id = hit.type + ":" + hit.id;
      li.append(element("strong", (ENTRY_KINDS[hit.type] || hit.type) + "：" + hit.title), " ",
        button("发给群众", () => sendEntry(hit.type, hit.id)));
      if (hit.snippet) li.append(element("div", hit.snippet, "snippet"));
      list.append(li);
    });
  } catch (error) {
    say(error.message, true);
  }
}

async function sendEntry(kind, id) {
  if (!desk.selected) return;
  try {
    const sent = await api("POST", "/admin/live/sessions/" + desk.selected + "/entries", { kind, id });
    showDelivery(sent);
    say("已把条目发给群众：" + kind + ":" + id);
    await showSession(desk.selected);
  } catch (error) {
    say(error.message, true);
  }
}

async function transferSession() {
  const to = $("#live-transfer-to");
  const id = desk.selected;
  if (!id || !to.selectedOptions.length) return;
  try {
    await api("POST", "/admin/live/sessions/" + id + "/transfer", { department: to.value });
    say("会话 " + id + " 已转到" + to.selectedOptions[0].textContent + "排队");
    await showSession(id);
    await refreshDesk();
  } catch (error) {
    say(error.message, true);
  }
}

async function closeSession(outcome) {
  const id = desk.selected;
  if (!id) return;
  try {
    await api("POST", "/admin/live/sessions/" + id + "/close", { outcome });
    say("会话 " + id + " 已结束（" + OUTCOME_NAMES[outcome] + "）");
    await refreshDesk();
    await showSession(id);
  } catch (error) {
    say(error.message, true);
  }
}

async function loadTickets() {
  const status = $("#live-ticket-status").value;
  const { items } = await api("GET", "/admin/live/tickets?status=" + status);
  const box = $("#live-tickets");
  const drafts = {};  // what an agent is typing survives a refresh
  box.querySelectorAll(".ticket").forEach((card) => {
    const draft = card.querySelector("textarea");
    if (draft && draft.value) drafts[card.dataset.id] = draft.value;
  });
  box.replaceChildren();
  if (!items.length) box.append(element("p", status === "open" ? "没有待答复的留言" : "没有已答复的留言", "empty"));
  items.forEach((t) => {
    const card = element("article", undefined, "ticket");
    card.dataset.id = t.id;
    card.append(element("h4", "留言 " + t.id + "：" + (t.topic || "（未知话题）")));
    card.append(element("p", [t.citizen + "（" + channelName(t.channel) + "）", t.department_name,
      "联系方式：" + (t.contact || "未留"), clock(t.created_at)].join(" · ")));
    card.append(element("p", "留言：" + t.message, "ticket-message"));
    if (t.answer) {
      card.append(element("p", "答复：" + t.answer));
      if (t.delivery_name) card.append(deliveryNote(t.delivery_name));
    } else {
      const text = element("textarea");
      text.rows = 2;
      text.maxLength = 2000;
      text.setAttribute("aria-label", "答复留言 " + t.id);
      text.value = drafts[String(t.id)] || "";
      card.append(text, button("答复", () => answerTicket(t.id, text)));
    }
    box.append(card);
  });
}

async function answerTicket(id, input) {
  const text = input.value.trim();
  if (!text) {
    say("请先填写答复内容", true);
    return;
  }
  try {
    const sent = await api("POST", "/admin/live/tickets/" + id + "/reply", { text });
    input.value = "";
    say("已答复留言 " + id + "：" + sent.delivery_name, /未送达/.test(sent.delivery_name || ""));
    await loadTickets();
  } catch (error) {
    say(error.message, true);
  }
}

// -- start --------------------------------------------------------------------------------------------

document.addEventListener("DOMContentLoaded", () => {
  $("#login-form").addEventListener("submit", (event) => {
    event.preventDefault();
    login($("#token").value.trim());
  });
  $("#logout").addEventListener("click", () => signOff().then(() => logout()));
  document.querySelectorAll("nav button").forEach((b) => b.addEventListener("click", () => showTab(b.dataset.tab)));
  $("#faq-search").addEventListener("submit", (event) => {
    event.preventDefault();
    loadFaqs().catch((error) => say(error.message, true));
  });
  $("#faq-new").addEventListener("click", () => newFaq());
  $("#import-form").addEventListener("submit", importFile);
  $("#hittest-form").addEventListener("submit", uploadHitTest);
  document.querySelectorAll("[data-export]").forEach((b) => b.addEventListener("click", () => exportFile(b.dataset.export)));
  $("#live-filter").addEventListener("change", () => refreshDesk().catch((error) => say(error.message, true)));
  $("#live-ticket-status").addEventListener("change", () => loadTickets().catch((error) => say(error.message, true)));
  $("#live-reply").addEventListener("submit", sendReply);
  $("#live-entry-search").addEventListener("submit", searchEntries);
  $("#live-transfer").addEventListener("click", transferSession);
  $("#live-close-resolved").addEventListener("click", () => closeSession("resolved"));
  $("#live-close-unresolved").addEventListener("click", () => closeSession("unresolved"));
  $("#live-take-selected").addEventListener("click", () => desk.selected && takeSession(desk.selected));
  $("#live-hours-form").addEventListener("submit", saveLiveHours);
  $("#live-hours-reset").addEventListener("click", resetLiveHours);
  bindEditor();
  if (state.token) login(state.token);
});
