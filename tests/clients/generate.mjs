// Types for every contract in ../../openapi (the registry's built-in APIs), one file per stem,
// and for the mock's admin contract (the TypeScript admin helper is typed from it).
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";

const contracts = "../../openapi";
const sources = readdirSync(contracts)
  .filter((name) => name.endsWith(".yaml"))
  .sort()
  .map((file) => [`${contracts}/${file}`, file.slice(0, -".yaml".length)]);
sources.push(["../../mock_server/controls/admin.yaml", "admin"]);
for (const [source, stem] of sources) {
  execFileSync(
    "node_modules/.bin/openapi-typescript",
    [source, "--default-non-nullable", "false", "-o", `src/generated/${stem}.ts`],
    { stdio: "inherit" },
  );
}
