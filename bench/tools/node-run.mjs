// Runs a wasm module under node, for the benchmark harness.
//
//   node node-run.mjs FILE.wasm [ARGS...]            a WASI command: runs _start
//   node node-run.mjs --invoke NAME FILE.wasm        calls export NAME (no params), prints its results
//
// WASI programs get preview 1 through node:wasi, with the module path as argv[0].
import { readFileSync } from "node:fs";
import { WASI } from "node:wasi";
import { argv, exit, stdout } from "node:process";

const args = argv.slice(2);
let invoke = null;
if (args[0] === "--invoke") {
  invoke = args[1];
  args.splice(0, 2);
}
const [file, ...rest] = args;
if (!file) {
  console.error("usage: node-run.mjs [--invoke NAME] FILE.wasm [ARGS...]");
  exit(2);
}

const module = await WebAssembly.compile(readFileSync(file));
const wasi = new WASI({ version: "preview1", args: [file, ...rest], env: {}, returnOnExit: true });
const needsWasi = WebAssembly.Module.imports(module).some(
  (i) => i.module === "wasi_snapshot_preview1",
);
const instance = await WebAssembly.instantiate(module, needsWasi ? wasi.getImportObject() : {});

if (invoke === null) {
  exit(wasi.start(instance));
}
const result = instance.exports[invoke]();
const results = Array.isArray(result) ? result : result === undefined ? [] : [result];
stdout.write(results.map(String).join("\n") + (results.length ? "\n" : ""));
