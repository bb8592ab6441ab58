// The worker: runs the verifier (Go, WebAssembly) away from the page, so
// the page never freezes. It gets the compiled module and one check, and
// posts progress, then the result. wasm_exec.js (Go's) comes before it.
"use strict";
// What Go writes to its standard error (wasm_exec.js prints it with
// console.log), kept to explain a verifier that stopped.
const said = [];
const log = console.log;
console.log = (...a) => { said.push(a.join(" ")); if (said.length > 40) said.shift(); log(...a); };

// custodyRead copies bytes [off, end) of a File into custodyBuf, one
// buffer reused for every read, and returns how many it copied. The Go
// side reads them from there: a value handed to Go stays alive until Go
// collects it, so a fresh buffer per read would pile up in memory.
const reader = new FileReaderSync();
self.custodyBuf = new Uint8Array(1 << 20);
self.custodyRead = (file, off, end) => {
  const b = new Uint8Array(reader.readAsArrayBuffer(file.slice(off, end)));
  self.custodyBuf.set(b);
  return b.length;
};

self.onmessage = async (e) => {
  const m = e.data;
  try {
    const go = new Go();
    const inst = await WebAssembly.instantiate(m.module, go.importObject);
    const stopped = go.run(inst).then(() => { throw new Error("the verifier stopped: " + said.join("\n")); });
    const progress = (files, bytes, totalFiles, totalBytes, done) =>
      self.postMessage({ kind: "progress", files, bytes, totalFiles, totalBytes, done });
    const input = m.zip ? { zip: m.zip } : { name: m.name, files: m.files };
    const r = await Promise.race([self.custodyVerify(input, m.keys, m.seen, progress), stopped]);
    self.postMessage({ kind: "done", verdict: r.verdict, json: r.json, report: r.report, view: r.view });
  } catch (err) {
    self.postMessage({ kind: "error", message: String(err && err.message ? err.message : err) });
  }
};
