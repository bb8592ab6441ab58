// The page: moves the reader's files to the verifier (in a worker) and
// draws what it found. It checks nothing itself. Every text from the
// bundle arrives already made safe (quote.Safe, in Go) and is put into
// the page with textContent, never as markup.
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  const body = document.body;
  let worker = null, lastInput = null, lastReport = "", keysLoading = Promise.resolve();

  // The verifier, compiled once: gzip inside base64, unpacked here.
  const module = (async () => {
    const b64 = $("wasm-gz").textContent.trim();
    if (!b64) throw new Error("this copy of the page was built without the verifier (run make build, then custody verifier --out)");
    const bin = atob(b64);
    const gz = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) gz[i] = bin.charCodeAt(i);
    const stream = new Blob([gz]).stream().pipeThrough(new DecompressionStream("gzip"));
    return WebAssembly.compile(await new Response(stream).arrayBuffer());
  })();
  const workerURL = URL.createObjectURL(new Blob([$("wasm-exec").textContent, "\n", $("worker-src").textContent], { type: "text/javascript" }));

  const el = (tag, text, cls) => {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  };
  const row = (cells) => {
    const tr = el("tr");
    for (const c of cells) tr.append(c instanceof Node ? c : el("td", c));
    return tr;
  };
  const mb = (n) => (n / 1e6).toFixed(n < 1e7 ? 2 : 0) + " MB";
  const size = (n) => n < 1000 ? n + " bytes" : mb(n);
  const status = (s) => { $("status").textContent = s; };

  function fail(msg) {
    body.dataset.state = "error";
    $("error").textContent = msg;
    $("progress").hidden = true;
    status("");
  }

  async function run(input) {
    lastInput = input;
    if (worker) worker.terminate();
    body.dataset.verdict = "";
    body.dataset.state = "running";
    $("result").hidden = true;
    $("error").textContent = "";
    $("verify").disabled = false;
    $("progress").hidden = false;
    $("progress").removeAttribute("value");
    status("Reading the bundle…");
    let mod;
    try {
      await keysLoading;
      mod = await module;
    } catch (err) {
      fail(String(err.message || err));
      return;
    }
    const w = worker = new Worker(workerURL);
    const started = performance.now();
    w.onmessage = (e) => {
      const m = e.data;
      if (w !== worker) return;
      if (m.kind === "progress") {
        if (m.totalBytes > 0) {
          $("progress").max = m.totalBytes;
          $("progress").value = m.bytes;
        }
        status("Checked " + m.files + " of " + (m.totalFiles || "?") + " files, " + mb(m.bytes) + " of " + (m.totalBytes ? mb(m.totalBytes) : "?") + "…");
        return;
      }
      w.terminate();
      worker = null;
      if (m.kind === "error") {
        fail(m.message);
        return;
      }
      const secs = (performance.now() - started) / 1000;
      try {
        draw(JSON.parse(m.view), m.json, m.report);
      } catch (err) {
        fail("The result could not be shown: " + err);
        return;
      }
      status("Checked in " + secs.toFixed(1) + " s.");
      body.dataset.seconds = secs.toFixed(3);
      body.dataset.verdict = m.verdict;
      body.dataset.state = "done";
    };
    w.onerror = (e) => { if (w === worker) fail("The verifier stopped: " + (e.message || "an error in the worker")); };
    w.postMessage(Object.assign({ module: mod, keys: $("keys-text").value, seen: $("seen-text").value }, input));
  }

  function draw(v, json, report) {
    lastReport = report;
    $("banner").className = v.tone;
    $("verdict").textContent = v.headline;
    $("meaning").textContent = v.meaning;
    $("subject").textContent = "Bundle: " + v.subject + (v.bundle_id ? " (id " + v.bundle_id + ")" : "");
    $("signer").textContent = v.signer || "No valid signature by any key.";
    $("trust").textContent = v.trust;

    const docs = $("docs");
    docs.replaceChildren();
    for (const d of v.docs || []) {
      const name = el("td");
      name.append(el("div", d.name));
      if (d.path !== "data/" + d.name) name.append(el("div", "in the bag as " + d.path, "muted"));
      for (const m of d.made_from || []) name.append(el("div", "a " + m, "muted"));
      docs.append(row([el("td", d.state, "state-" + d.state), name, d.state === "MISSING" ? "" : size(d.size), el("td", d.doc, "mono")]));
    }

    const chain = $("chain");
    chain.replaceChildren();
    for (const h of v.chain || []) {
      const li = el("li");
      li.append(el("strong", h.step + ": "), document.createTextNode(h.who + (h.key ? ", fingerprint " + h.key : "") + (h.trusted ? ", a key you gave" : ", not a key you gave")));
      li.append(el("div", h.log + "; " + h.link, "muted"));
      chain.append(li);
    }
    if (!(v.chain || []).length) chain.append(el("li", "No signed log: nothing says where these documents came from."));

    const fs = $("findings");
    fs.replaceChildren();
    for (const f of v.findings || []) {
      const what = el("td");
      what.append(el("div", f.message));
      if (f.expected) what.append(el("div", "expected: " + f.expected, "muted"));
      if (f.found) what.append(el("div", "found: " + f.found, "muted"));
      fs.append(row([el("td", f.code, "mono"), f.severity, f.path || "", what]));
    }
    const nf = (v.findings || []).length;
    $("no-findings").hidden = nf > 0;
    $("findings-table").hidden = nf === 0;

    const checks = $("checks");
    checks.replaceChildren();
    for (const c of v.checks || []) checks.append(row([c.name, c.ok ? "passed" : "not passed", c.detail || ""]));

    const evs = $("events");
    evs.replaceChildren();
    for (const g of v.events || []) {
      evs.append(el("h3", g.log));
      const t = el("table");
      t.append(row([el("th", "Event"), el("th", "What"), el("th", "Disclosed"), el("th", "Recorded, withheld")]));
      for (const e of g.Events || g.events || []) {
        t.append(row([String(e.Index), e.Time + ": " + e.What, (e.Shown || []).join("; "), (e.Withheld || []).join(", ")]));
      }
      evs.append(t);
      if (g.more) evs.append(el("p", g.more + " more events not listed here.", "muted"));
    }
    if (!(v.events || []).length) evs.append(el("p", "None.", "muted"));

    $("evidence-box").hidden = !v.evidence;
    $("evidence").textContent = v.evidence || "";
    $("result-json").textContent = json;
    $("progress").hidden = true;
    $("result").hidden = false;
    $("verdict").focus();
  }

  // Files in: a .zip, a folder from the picker, or either dropped.
  $("bundle-file").addEventListener("change", (e) => {
    const f = e.target.files[0];
    if (f) run({ zip: f });
  });
  $("folder-file").addEventListener("change", (e) => {
    const files = Array.from(e.target.files, (f) => ({ path: f.webkitRelativePath || f.name, file: f }));
    if (files.length) run({ name: files[0].path.split("/")[0], files });
  });
  for (const [file, text] of [["keys-file", "keys-text"], ["seen-file", "seen-text"]]) {
    $(file).addEventListener("change", (e) => {
      const f = e.target.files[0];
      if (!f) return;
      keysLoading = Promise.all([keysLoading, f.text()]).then(([, t]) => t).then((t) => { $(text).value = t; if (lastInput && body.dataset.state !== "running") run(lastInput); });
    });
  }
  $("verify").addEventListener("click", () => { if (lastInput) run(lastInput); });
  $("save-report").addEventListener("click", () => {
    const a = document.createElement("a");
    a.href = URL.createObjectURL(new Blob([lastReport], { type: "text/html" }));
    a.download = "custody-report.html";
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
  });

  const drop = $("drop");
  for (const t of ["dragenter", "dragover"]) drop.addEventListener(t, (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", async (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    const entries = Array.from(e.dataTransfer.items, (i) => i.webkitGetAsEntry && i.webkitGetAsEntry()).filter(Boolean);
    if (entries.length === 1 && entries[0].isFile) {
      entries[0].file((f) => run({ zip: f }), (err) => fail(String(err)));
      return;
    }
    const files = [];
    const walk = async (entry) => {
      if (entry.isFile) {
        files.push({ path: entry.fullPath.replace(/^\//, ""), file: await new Promise((ok, no) => entry.file(ok, no)) });
        return;
      }
      const reader = entry.createReader();
      for (;;) {
        const batch = await new Promise((ok, no) => reader.readEntries(ok, no));
        if (!batch.length) break;
        for (const b of batch) await walk(b);
      }
    };
    try {
      for (const en of entries) await walk(en);
    } catch (err) {
      fail("The folder could not be read: " + err);
      return;
    }
    if (files.length) run({ name: entries.length === 1 ? entries[0].name : "dropped files", files });
  });
  drop.addEventListener("keydown", (e) => {
    if (e.key === "Enter" || e.key === " ") { e.preventDefault(); $("bundle-file").click(); }
  });
})();
