// A small endpoint of the tests' own in front of the real collector: it can be down
// (connection refused), answer planned statuses (503, 429 with Retry-After, 400) before
// passing requests on, and it records every request it gets, with its time.
import http from "node:http";

export async function faultyEndpoint(collectorUrl) {
  const state = { plan: [], requests: [] };
  const sockets = new Set();
  const server = http.createServer(async (req, res) => {
    const cors = { "Access-Control-Allow-Origin": req.headers.origin ?? "*", "Access-Control-Expose-Headers": "Retry-After" };
    if (req.method === "OPTIONS") {
      res.writeHead(204, { ...cors, "Access-Control-Allow-Methods": "POST", "Access-Control-Allow-Headers": req.headers["access-control-request-headers"] ?? "" });
      return res.end();
    }
    let body = "";
    for await (const chunk of req) body += chunk;
    const step = state.plan.shift();
    state.requests.push({ at: Date.now(), body, headers: req.headers, status: step?.status ?? 200 });
    if (step) {
      res.writeHead(step.status, { ...cors, ...step.headers });
      return res.end();
    }
    const answer = await fetch(`${collectorUrl}/collect`, { method: "POST", body, headers: { "Content-Type": "text/plain" } });
    res.writeHead(answer.status, { ...cors, "Content-Type": "application/json" });
    res.end(await answer.text());
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  const listen = (port = 0) => new Promise((resolve) => server.listen(port, "127.0.0.1", resolve));
  await listen();
  const port = server.address().port;
  return {
    url: `http://127.0.0.1:${port}/collect`,
    state,
    /** Every event id the endpoint was sent, in order, duplicates included. */
    ids: () => state.requests.flatMap((r) => (r.body.startsWith("[") ? JSON.parse(r.body).map((e) => e.id) : [])),
    /** Stops listening: connections are refused. */
    down: () => new Promise((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(resolve);
    }),
    up: () => listen(port),
    stop: () => {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}
