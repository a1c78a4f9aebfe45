import { execFileSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

/** The newest modification time of the files under `folder`. */
function newest(folder) {
  return readdirSync(folder, { recursive: true })
    .map((name) => statSync(join(folder, name)).mtimeMs)
    .reduce((a, b) => Math.max(a, b), 0);
}

function builtAt(file) {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

/**
 * Jest global setup: the start-path and CLI tests run the built `dist/`, so build it once before
 * any test when a source file is newer than the build.
 */
export default function buildDist() {
  if (builtAt("dist/.tsbuildinfo") >= newest("src")) return;
  execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"], {
    stdio: "inherit",
  });
}
