// `npm run docs`: rewrites README.md's generated blocks: the command list (from the table) and the
// differences from Redis (from the list the differential tests use).
import { readFileSync, writeFileSync } from "node:fs";
import { withDifferences } from "../../test/compat/differences-doc";
import { withCommandList } from "./docs";

const path = "README.md";
const readme = readFileSync(path, "utf8");
const updated = withDifferences(withCommandList(readme));
if (updated !== readme) writeFileSync(path, updated);
console.log(updated === readme ? "README.md generated blocks are up to date" : "README.md generated blocks rewritten");
