// Links the dashboard's ES modules as a browser would, without running them: every module parses, and every name a
// module imports is exported by the module it names. Prints one line per problem and exits 1, or the modules linked.
import vm from "node:vm";
import { readFile, readdir } from "node:fs/promises";
import path from "node:path";

const dir = path.resolve(process.argv[2]);
const entry = process.argv[3] || "app.js";
const modules = new Map();

async function load(file) {
  if (!modules.has(file)) {
    const name = path.relative(dir, file);
    modules.set(file, readFile(file, "utf8").then((source) => {
      try {
        return new vm.SourceTextModule(source, { identifier: name });
      } catch (err) {
        err.message = `${name}: ${err.message}`;
        throw err;
      }
    }));
  }
  return modules.get(file);
}

try {
  const root = await load(path.join(dir, entry));
  await root.link((specifier, referencing) => {
    if (!specifier.startsWith("./") && !specifier.startsWith("../")) {
      throw new Error(`${referencing.identifier} imports ${specifier}, which is not a file of the dashboard`);
    }
    return load(path.resolve(dir, path.dirname(referencing.identifier), specifier));
  });
} catch (err) {
  console.log(`${err.name}: ${err.message}`);
  process.exit(1);
}
const linked = [...modules.keys()].map((f) => path.relative(dir, f)).sort();
const files = (await readdir(dir)).filter((f) => f.endsWith(".js")).sort();
const unused = files.filter((f) => !linked.includes(f));
console.log(JSON.stringify({ linked, unused }));
