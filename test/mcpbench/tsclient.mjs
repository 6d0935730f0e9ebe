// The TypeScript SDK peer of mcpbench: connects once to URL, warms up,
// then times N tools/call of the echo tool one after another and prints
// {"connectMs":..., "callsMs":[...]} on stdout.
//
//   node tsclient.mjs URL N
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const [url, nArg] = process.argv.slice(2);
const n = Number(nArg || 1000);
const args = { name: "echo", arguments: { text: "hello" } };

const t0 = performance.now();
const client = new Client({ name: "mcpbench-ts", version: "0" });
await client.connect(new StreamableHTTPClientTransport(new URL(url)));
await client.listTools();
await client.listPrompts();
await client.listResources();
await client.listResourceTemplates();
const connectMs = performance.now() - t0;

for (let i = 0; i < Math.min(200, n); i++) await client.callTool(args);
const callsMs = [];
for (let i = 0; i < n; i++) {
  const start = performance.now();
  const res = await client.callTool(args);
  callsMs.push(performance.now() - start);
  if (res.content?.[0]?.text !== "hello") throw new Error("unexpected answer " + JSON.stringify(res));
}
await client.close();
process.stdout.write(JSON.stringify({ connectMs, callsMs }) + "\n");
