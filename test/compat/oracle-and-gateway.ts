// The fixture of the hand-written differential suites: a throwaway redis-server and a real gateway
// (`npm start`), started once for the calling describe block and stopped after it.
import { afterAll, beforeAll } from "vitest";
import { GatewayProcess } from "./gateway-process";
import { RedisServer } from "./redis-server";
import type { RespClient } from "./resp-client";

export interface OracleAndGateway {
  /** A client of the redis-server oracle. */
  readonly client: RespClient;
  readonly gateway: GatewayProcess;
}

/** Call inside a describe block; the returned object's fields are set once its beforeAll ran. */
export function useOracleAndGateway(): OracleAndGateway {
  let redis: RedisServer | undefined;
  const fixture = {} as { client: RespClient; gateway: GatewayProcess };
  beforeAll(async () => {
    redis = await RedisServer.start();
    fixture.client = await redis.connect();
    fixture.gateway = await GatewayProcess.start();
  });
  afterAll(async () => {
    fixture.client?.close();
    redis?.stop();
    await fixture.gateway?.stop();
  });
  return fixture;
}
