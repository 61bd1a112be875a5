// Types for every contract in ../../openapi (the registry's built-in APIs): one file per stem.
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";

const contracts = "../../openapi";
for (const file of readdirSync(contracts).filter((name) => name.endsWith(".yaml")).sort()) {
  const stem = file.slice(0, -".yaml".length);
  execFileSync(
    "node_modules/.bin/openapi-typescript",
    [`${contracts}/${file}`, "--default-non-nullable", "false", "-o", `src/generated/${stem}.ts`],
    { stdio: "inherit" },
  );
}
