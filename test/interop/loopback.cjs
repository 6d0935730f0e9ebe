// Preloaded into server-everything (node --require) so that its HTTP
// server, which calls app.listen(PORT) without a host, binds to loopback
// only, as every listener in mcpls's tests must.
"use strict";
const net = require("node:net");
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (typeof args[0] === "number" || (typeof args[0] === "string" && /^\d+$/.test(args[0]))) {
    const cb = typeof args[args.length - 1] === "function" ? args.pop() : undefined;
    return listen.call(this, { port: Number(args[0]), host: "127.0.0.1" }, cb);
  }
  return listen.apply(this, args);
};
