// The shared behaviour suites over the service binding (EdgeslotRpc, and EdgeslotReadOnlyRpc as the
// read-only caller): the same assertions the HTTP run makes.
import { edgeslot, edgeslotReadOnly } from "../binding/bindings";
import { bindingTransport, client, useEmptyStoreOver } from "./transport";
import { behaviourSuites } from "./suites";

const binding = bindingTransport("the service binding", edgeslot);
useEmptyStoreOver(binding);
behaviourSuites(client(binding), client(bindingTransport("the read-only service binding", edgeslotReadOnly)));
