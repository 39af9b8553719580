import { createServer, type Server } from 'node:http';

/** A notification as received, in arrival order. */
export interface Received {
  id: string;
  notificationType: string;
  vnfInstanceId: string;
  notificationStatus?: string;
  operationState?: string;
  operation?: string;
  vnfLcmOpOccId?: string;
  hasError: boolean;
}

/**
 * The subscriber of the chaos run: a real HTTP endpoint on 127.0.0.1 that answers the callback test (GET 204)
 * and records every POSTed notification in arrival order (deliveries are one at a time per subscription).
 */
export class Receiver {
  readonly received: Received[] = [];
  private server: Server | undefined;
  url = '';

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString()));
      req.on('end', () => {
        if (req.method !== 'POST') return void res.writeHead(204).end();
        try {
          const b = JSON.parse(text) as Record<string, unknown>;
          const str = (k: string): string | undefined => (typeof b[k] === 'string' ? (b[k] as string) : undefined);
          this.received.push({
            id: str('id') ?? '',
            notificationType: str('notificationType') ?? '',
            vnfInstanceId: str('vnfInstanceId') ?? '',
            ...(str('notificationStatus') !== undefined ? { notificationStatus: str('notificationStatus') } : {}),
            ...(str('operationState') !== undefined ? { operationState: str('operationState') } : {}),
            ...(str('operation') !== undefined ? { operation: str('operation') } : {}),
            ...(str('vnfLcmOpOccId') !== undefined ? { vnfLcmOpOccId: str('vnfLcmOpOccId') } : {}),
            hasError: typeof b['error'] === 'object' && b['error'] !== null,
          });
          res.writeHead(204).end();
        } catch {
          res.writeHead(400).end();
        }
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
    const a = this.server.address();
    this.url = `http://127.0.0.1:${typeof a === 'object' && a !== null ? a.port : 0}/notify`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
