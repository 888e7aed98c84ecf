// The shared behaviour suites over HTTP (full token and read-only token).
import { client, httpReadOnly, httpTransport, useEmptyStoreOver } from "./transport";
import { behaviourSuites } from "./suites";

const http = httpTransport();
useEmptyStoreOver(http);
behaviourSuites(client(http), client(httpReadOnly()));
