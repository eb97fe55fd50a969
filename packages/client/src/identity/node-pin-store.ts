import { readFile, rename, writeFile } from 'node:fs/promises';
import type { DevicePins } from '@federa/core';

const FINGERPRINT = /^[0-9a-f]{64}$/;

/**
 * Node-only, persisted {@link DevicePins}: neighbours' device-key fingerprints pinned at first sight
 * survive a client restart, so a coordinator cannot swap a device's key just because the client
 * restarted (docs/security.md, "Against a malicious coordinator"). One JSON file (mode 0600) mapping
 * client id → SHA-256 SPKI fingerprint; a pin is never overwritten. Pass it as
 * `FederaClient({ secureAggregation: { pins } })`.
 *
 * @example
 * const pins = await FilePinStore.open('/var/lib/federa/pins.json');
 * new FederaClient({ url, clientId, identity, data, secureAggregation: { pins } });
 */
export class FilePinStore implements DevicePins {
  private writing: Promise<void> = Promise.resolve();

  private constructor(
    private readonly path: string,
    private readonly pins: Map<string, string>,
  ) {}

  /** Load the pins at `path` (none if the file does not exist); a malformed file throws a TypeError. */
  static async open(path: string): Promise<FilePinStore> {
    let text: string | undefined;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const pins = new Map<string, string>();
    if (text !== undefined) {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        throw new TypeError(`${path}: not a pin file`);
      for (const [id, fingerprint] of Object.entries(parsed)) {
        if (typeof fingerprint !== 'string' || !FINGERPRINT.test(fingerprint))
          throw new TypeError(`${path}: bad fingerprint for ${id}`);
        pins.set(id, fingerprint);
      }
    }
    return new FilePinStore(path, pins);
  }

  get(clientId: string): string | undefined {
    return this.pins.get(clientId);
  }

  /** Pin a first-seen key (an existing pin is kept) and write the file in the background. */
  set(clientId: string, fingerprint: string): void {
    if (this.pins.has(clientId) || !FINGERPRINT.test(fingerprint)) return;
    this.pins.set(clientId, fingerprint);
    const body = JSON.stringify(Object.fromEntries(this.pins));
    // Written whole to a temporary file and renamed, so a crash never leaves half a pin list.
    this.writing = this.writing
      .catch(() => undefined)
      .then(async () => {
        await writeFile(`${this.path}.tmp`, body, { mode: 0o600 });
        await rename(`${this.path}.tmp`, this.path);
      });
  }

  /** Resolves once every pin set so far is on disk (rejects if a write failed). */
  flushed(): Promise<void> {
    return this.writing;
  }
}
