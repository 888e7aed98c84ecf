// Every error text the core replies with, exactly as Redis 7.0 words them (the leading '-' is added on write).
export const ERR_SYNTAX = "ERR syntax error";
export const ERR_NOT_INTEGER = "ERR value is not an integer or out of range";
export const ERR_NOT_FLOAT = "ERR value is not a valid float";
export const ERR_OVERFLOW = "ERR increment or decrement would overflow";
export const ERR_DECR_OVERFLOW = "ERR decrement would overflow";
export const ERR_NAN = "ERR increment would produce NaN or Infinity";
export const ERR_WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";
export const ERR_NO_SUCH_KEY = "ERR no such key";
export const ERR_TOO_BIG = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
export const ERR_OFFSET = "ERR offset is out of range";
export const ERR_OOM = "OOM command not allowed when used memory > 'maxmemory'.";
export const ERR_INVALID_CURSOR = "ERR invalid cursor";
export const ERR_EXPIRE_NX = "ERR NX and XX, GT or LT options at the same time are not compatible";
export const ERR_EXPIRE_GT_LT = "ERR GT and LT options at the same time are not compatible";
export const ERR_INVALID_SLOT = "ERR Invalid slot";
export const ERR_INVALID_SLOT_OR_COUNT = "ERR Invalid slot or number of keys";
export const ERR_BAD_PAYLOAD = "ERR DUMP payload version or checksum are wrong";
export const ERR_NO_INTERNAL = "ERR internal commands are not allowed here";
// Prefixes and suffixes completed with the command name or an argument.
export const ERR_ARITY_PREFIX = "ERR wrong number of arguments for '";
export const ERR_ARITY_SUFFIX = "' command";
export const ERR_EXPIRE_TIME_PREFIX = "ERR invalid expire time in '";
export const ERR_UNKNOWN_PREFIX = "ERR unknown command '";
export const ERR_UNKNOWN_ARGS = "', with args beginning with: ";
export const ERR_UNKNOWN_SUB_PREFIX = "ERR unknown subcommand '";
export const ERR_UNSUPPORTED_OPTION = "ERR Unsupported option ";
