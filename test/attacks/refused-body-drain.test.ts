import { type TLSSocket, connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ProductionCoordinator, startProductionCoordinator } from './production.js';

// CI saw `write EPIPE` instead of a 413 in row 7: fastify closed the connection on seeing an
// oversized Content-Length while the client was still sending, so under load the client's write
// failed before it read the reply. This test sends the rest of the body only after the 413 has
// arrived, which made the old server's close fail every time.
const MiB = 1024 * 1024;

/** Bytes from `socket` until `done(text)` says a whole reply arrived (or the socket ends). */
function readUntil(socket: TLSSocket, done: (text: string) => boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (d: Buffer) => {
      text += d.toString('latin1');
      if (done(text)) finish(() => resolve(text));
    };
    const onEnd = () => finish(() => reject(new Error(`socket ended after ${JSON.stringify(text)}`)));
    const onError = (e: Error) => finish(() => reject(e));
    const finish = (then: () => void) => {
      socket.off('data', onData).off('end', onEnd).off('error', onError);
      then();
    };
    socket.on('data', onData).on('end', onEnd).on('error', onError);
  });
}

/** True once `text` holds a whole HTTP reply with a Content-Length body. */
const wholeReply = (text: string) => {
  const head = text.indexOf('\r\n\r\n');
  const length = /content-length: (\d+)/i.exec(text.slice(0, head));
  return head >= 0 && length !== null && text.length >= head + 4 + Number(length[1]);
};

const write = (socket: TLSSocket, data: string | Buffer) =>
  new Promise<void>((resolve, reject) => socket.write(data, (e) => (e ? reject(e) : resolve())));

describe('a refused oversized body', () => {
  let prod: ProductionCoordinator;
  beforeAll(async () => {
    prod = await startProductionCoordinator();
  });
  afterAll(() => prod.close());

  async function openSocket(): Promise<TLSSocket> {
    const { hostname, port } = new URL(prod.url);
    const socket = connect({ host: hostname, port: Number(port), ca: prod.ca, servername: 'localhost' });
    await new Promise<void>((resolve, reject) => socket.once('secureConnect', resolve).once('error', reject));
    return socket;
  }
  const head = (method: string, path: string, token: string, length?: number) =>
    `${method} ${path} HTTP/1.1\r\nhost: localhost\r\nauthorization: Bearer ${token}\r\n` +
    (length === undefined ? '' : `content-type: application/json\r\ncontent-length: ${length}\r\n`) +
    '\r\n';

  it('gets its typed 413 before the body is sent, and the connection still carries the next request', async () => {
    const socket = await openSocket();
    try {
      const size = 2 * MiB; // over the 256 KiB report limit, under the 16 MiB drain bound
      await write(socket, head('POST', '/api/runs/any/feature-stats', prod.tokens.client, size));
      const refused = await readUntil(socket, wholeReply);
      expect(refused).toMatch(/^HTTP\/1\.1 413 /);
      expect(refused).toContain('"code":"FEDERA_ERR_REQUEST_INVALID"');
      expect(refused.toLowerCase()).not.toContain('connection: close');
      // The client, unaware, sends the whole body: the server discards it instead of resetting.
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      for (let sent = 0; sent < size; sent += chunk.length) await write(socket, chunk);
      await write(socket, head('GET', '/api/runs', prod.tokens.viewer));
      const next = await readUntil(socket, wholeReply);
      expect(next).toMatch(/^HTTP\/1\.1 200 /);
    } finally {
      socket.destroy();
    }
  });

  it('past the drain bound, still refuses at once with a typed 413 and closes', async () => {
    const socket = await openSocket();
    try {
      await write(socket, head('POST', '/api/runs/any/feature-stats', prod.tokens.client, 64 * MiB));
      const refused = await readUntil(socket, wholeReply);
      expect(refused).toMatch(/^HTTP\/1\.1 413 /);
      expect(refused.toLowerCase()).toContain('connection: close');
      await new Promise<void>((resolve) => socket.once('close', () => resolve()));
    } finally {
      socket.destroy();
    }
    expect((await prod.call('viewer', 'GET', '/api/runs')).status).toBe(200);
  });
});
