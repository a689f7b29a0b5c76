// The bench's loopback server, in a process of its own: answers every request with a 201 and a
// realistic create body (an OAuth 2 INITIATED connection), keep-alive. Prints its URL.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

const body = JSON.stringify({
  id: "ca_4f9d2b7c1e0a",
  connectionData: {
    authScheme: "OAUTH2",
    val: {
      status: "INITIATED",
      redirectUrl: "https://backend.composio.dev/api/v3/s/abc123",
      callback_url: "https://app.example.com/oauth/done",
      code_verifier: "0123456789abcdef0123456789abcdef",
    },
  },
  status: "INITIATED",
  redirect_url: "https://backend.composio.dev/api/v3/s/abc123",
  redirect_uri: "https://backend.composio.dev/api/v3/s/abc123",
  deprecated: {
    uuid: "550e8400-e29b-41d4-a716-446655440000",
    authConfigUuid: "6ba7b810-9dad-11d1-80b4-00c04fd430c8",
  },
});
const server = createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    res.writeHead(201, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    res.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () =>
  console.log(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
);
