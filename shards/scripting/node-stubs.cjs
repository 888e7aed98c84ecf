// Stand-ins for the Node modules fengari requires at load time (readline-sync, tmp, fs, os, path,
// child_process, crypto). Scripts never reach them: io, os, debug.debug and loadfile are removed.
module.exports = {
  platform: () => "linux",
  tmpdir: () => "/tmp",
  sep: "/",
  setDefaultOptions: () => {},
  question: () => null,
};
