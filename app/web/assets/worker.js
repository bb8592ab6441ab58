// The worker: runs the verifier (Go, WebAssembly) away from the page, so
// the page never freezes. It gets the compiled module and one check, and
// posts progress, then the result. wasm_exec.js (Go's) comes before it.
"use strict";
self.onmessage = async (e) => {
  const m = e.data;
  try {
    const go = new Go();
    const inst = await WebAssembly.instantiate(m.module, go.importObject);
    go.run(inst);
    const progress = (files, bytes, totalFiles, totalBytes, done) =>
      self.postMessage({ kind: "progress", files, bytes, totalFiles, totalBytes, done });
    const input = m.zip ? { zip: m.zip } : { name: m.name, files: m.files };
    const r = await self.custodyVerify(input, m.keys, m.seen, progress);
    self.postMessage({ kind: "done", verdict: r.verdict, json: r.json, report: r.report, view: r.view });
  } catch (err) {
    self.postMessage({ kind: "error", message: String(err && err.message ? err.message : err) });
  }
};
