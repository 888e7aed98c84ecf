// `edgeslot/client`: what a consumer Worker imports to talk to the gateway over a service binding.
export { bindingRequester, type BindingRequester, type UpstashRequestLike, type UpstashResponseLike } from "./requester";
export type { Argument, CallOptions, EdgeslotBinding, Refused, Result, Value } from "../rpc/types";
