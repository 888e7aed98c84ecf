import { it, expect } from "vitest";
it("node smoke", () => { expect(process.version.startsWith("v22")).toBe(true); });
