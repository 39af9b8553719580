import { createServer, type Server } from 'node:http';

/** A real notification consumer on 127.0.0.1: answers GET 204, records POSTs, can be "down". */
export class Consumer {
  readonly received: Array<{ body: Record<string, unknown>; auth?: string }> = [];
  down = false;
  getStatus = 204;
  private server: Server | undefined;
  url = '';
  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString()));
      req.on('end', () => {
        if (req.url === '/token' && req.method === 'POST') {
          const ok =
            req.headers.authorization === 'Basic ' + Buffer.from('vnfm-client:client-pw').toString('base64') &&
            text === 'grant_type=client_credentials';
          return void res
            .writeHead(ok ? 200 : 401, { 'content-type': 'application/json' })
            .end(
              JSON.stringify(
                ok ? { access_token: 'tok-123', token_type: 'Bearer', expires_in: 60 } : { error: 'invalid_client' },
              ),
            );
        }
        if (req.method === 'GET') return void res.writeHead(this.getStatus).end();
        if (this.down) return void res.writeHead(503).end();
        this.received.push({
          body: JSON.parse(text) as Record<string, unknown>,
          ...(req.headers.authorization ? { auth: req.headers.authorization } : {}),
        });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
    const a = this.server.address();
    this.url = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/notify`;
  }
  async stop(): Promise<void> {
    await new Promise<void>((r) => this.server?.close(() => r()));
  }
}
