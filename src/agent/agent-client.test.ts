import { createServer as createHttp, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTcp, type Server as TcpServer, type Socket } from 'node:net';
import { HttpVnfAgentFactory } from './agent-factory';
import { AgentError, AgentNotReadyError } from './errors';

/** A fake management API for the client's own unit tests: scripted answers, every request recorded. */
async function fakeApi(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<{ port: number; seen: string[]; close(): Promise<void> }> {
  const seen: string[] = [];
  const server = createHttp((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    handler(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const a = server.address();
  return {
    port: typeof a === 'object' && a !== null ? a.port : 0,
    seen,
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

const factory = new HttpVnfAgentFactory({ timeoutMs: 2000 });

describe('the agent client: timeouts, cancellation, retries, errors', () => {
  it('a GET that fails with 5xx is retried with backoff; a POST never is', async () => {
    let versionCalls = 0;
    const api = await fakeApi((req, res) => {
      if (req.url === '/click_plugin/running') {
        versionCalls += 1;
        if (versionCalls < 3) return void res.writeHead(503).end('busy');
        return void res.writeHead(200).end('true');
      }
      if (req.url === '/click_plugin/stop')
        return void res.writeHead(500).end('{"password": "hunter2", "msg": "boom"}');
      res.writeHead(200).end('"2.0"');
    });
    const agent = factory.forEndpoint({ address: '127.0.0.1', port: api.port, dialect: 'click-plugin' });
    const t0 = Date.now();
    expect((await agent.status()).running).toBe(true);
    expect(versionCalls).toBe(3);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250); // 100 ms, then 200 ms
    const err = (await agent.stop().catch((e: unknown) => e)) as AgentError;
    expect(err).toBeInstanceOf(AgentError);
    expect(api.seen.filter((s) => s === 'POST /click_plugin/stop')).toHaveLength(1);
    expect(err.status).toBe(502);
    expect(err.details).toEqual(
      expect.objectContaining({
        method: 'POST',
        url: `http://127.0.0.1:${api.port}/click_plugin/stop`,
        httpStatus: 500,
      }),
    );
    expect(err.details.body).toContain('"***"');
    expect(err.details.body).not.toContain('hunter2');
    expect(err.toProblemDetails().detail).toContain(`127.0.0.1:${api.port}`);
    await api.close();
  });

  it('a call that gets no answer times out, naming the call and the time', async () => {
    const sockets = new Set<Socket>();
    const silent: TcpServer = createTcp((s) => sockets.add(s)); // accepts, never answers
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    const port = (silent.address() as { port: number }).port;
    const agent = new HttpVnfAgentFactory({ timeoutMs: 2000, readRetries: 0 }).forEndpoint({
      address: '127.0.0.1',
      port,
      dialect: 'click-plugin',
    });
    const t0 = Date.now();
    await expect(agent.status({ timeoutMs: 300 })).rejects.toThrow(
      new RegExp(`GET http://127\\.0\\.0\\.1:${port}/click_plugin/version failed: no answer within 300 ms`),
    );
    expect(Date.now() - t0).toBeLessThan(1500);
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => silent.close(() => r()));
  });

  it("the caller's AbortSignal cancels a call in flight, and waitReady", async () => {
    const api = await fakeApi(() => undefined); // never answers
    const agent = factory.forEndpoint({ address: '127.0.0.1', port: api.port, dialect: 'osv-controlsocket' });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const t0 = Date.now();
    await expect(agent.deploy('x', { signal: ac.signal, timeoutMs: 10_000 })).rejects.toThrow(/cancelled/);
    expect(Date.now() - t0).toBeLessThan(1000);
    const ac2 = new AbortController();
    setTimeout(() => ac2.abort(), 100);
    await expect(
      agent.waitReady({ graceMs: 5000, intervalMs: 100, deadlineMs: 10_000, signal: ac2.signal }),
    ).rejects.toThrow(/cancelled/);
    await api.close();
  });

  it(
    'waitReady sends no HTTP request while the port is closed, ' +
      'and names address:port and the wait when it gives up',
    async () => {
      const api = await fakeApi((_req, res) => res.writeHead(200).end('"2.0"'));
      const port = api.port;
      await api.close(); // nothing listens now
      const agent = factory.forEndpoint({ address: '127.0.0.1', port, dialect: 'click-plugin' });
      const err = (await agent
        .waitReady({ graceMs: 100, intervalMs: 100, deadlineMs: 600 })
        .catch((e: unknown) => e)) as AgentNotReadyError;
      expect(err).toBeInstanceOf(AgentNotReadyError);
      expect(err.status).toBe(504);
      expect(err.address).toBe(`127.0.0.1:${port}`);
      expect(err.waitedMs).toBeGreaterThanOrEqual(500);
      expect(err.message).toMatch(
        new RegExp(
          `127\\.0\\.0\\.1:${port} did not become ready within 1 s ` +
            `\\(waited \\d+ ms; last error: TCP 127\\.0\\.0\\.1:${port}: ECONNREFUSED\\)`,
        ),
      );
    },
  );

  it(
    'HTTP 200 with a failure in the body is a failure: ' +
      'start "Invalid cmd line", write_file not OK!!, running not a boolean',
    async () => {
      const api = await fakeApi((req, res) => {
        if (req.url === '/click_plugin/running') return void res.writeHead(200).end('"maybe"');
        if (req.url === '/click_plugin/start') return void res.writeHead(200).end('"Invalid cmd line"');
        if (req.url === '/click_plugin/write_file') return void res.writeHead(200).end('ERR');
        res.writeHead(200).end('"2.0"');
      });
      const agent = factory.forEndpoint({ address: '127.0.0.1', port: api.port, dialect: 'click-plugin' });
      await expect(agent.start()).rejects.toThrow(/start answered "Invalid cmd line"/);
      await expect(agent.status()).rejects.toThrow(/running answered "maybe", not true or false/);
      await api.close();
    },
  );
});
