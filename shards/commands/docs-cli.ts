// `npm run docs`: rewrites README.md's generated command block from the table (creating README.md
// with just the block when it does not exist yet).
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { BLOCK_END, BLOCK_START, withCommandList } from "./docs";

const path = "README.md";
const readme = existsSync(path) ? readFileSync(path, "utf8") : `${BLOCK_START}\n${BLOCK_END}\n`;
const updated = withCommandList(readme);
if (updated !== readme) writeFileSync(path, updated);
console.log(updated === readme ? "README.md command list is up to date" : "README.md command list rewritten");
