// The set-up contract `npm start -- <wrangler dev flags>`: port, address, state directory and token pass through.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GatewayProcess } from "../compat/gateway-process";

describe("npm start -- --port P --ip 127.0.0.1 --persist-to DIR --var EDGESLOT_TOKEN:T", () => {
  let gateway: GatewayProcess;
  beforeAll(async () => {
    gateway = await GatewayProcess.start({ token: "start-contract-token", extraArgs: ["--ip", "127.0.0.1"] });
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  it("serves the Upstash REST protocol on the given port with the given token", async () => {
    const response = await gateway.fetch("/", { method: "POST", body: JSON.stringify(["PING"]) });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ result: "PONG" });
  });

  it("refuses the wrong token and a missing one with 401, so the --var really replaced the default", async () => {
    const wrong = await gateway.fetch("/", {
      method: "POST",
      body: JSON.stringify(["PING"]),
      headers: { authorization: "Bearer edgeslot-dev-token" },
    });
    expect(wrong.status).toBe(401);
    const missing = await fetch(gateway.url + "/", { method: "POST", body: JSON.stringify(["PING"]) });
    expect(missing.status).toBe(401);
  });

  it("keeps data in the --persist-to directory across a restart", async () => {
    const set = await gateway.fetch("/", { method: "POST", body: JSON.stringify(["SET", "start:persisted", "yes"]) });
    expect(await set.json()).toEqual({ result: "OK" });
    await gateway.kill();
    gateway = await gateway.restart();
    const get = await gateway.fetch("/", { method: "POST", body: JSON.stringify(["GET", "start:persisted"]) });
    expect(await get.json()).toEqual({ result: "yes" });
  });
});
