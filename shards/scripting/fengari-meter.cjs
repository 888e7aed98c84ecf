// The seam between fengari and the script limits (limits.ts): bundle.mjs patches fengari to report
// every allocation a script can grow without bound, and the matcher's steps, to `sink` while a
// script runs. Scripts run one at a time per isolate, so one module-level sink suffices.
module.exports = { sink: null };
