/**
 * Wire protocol version this package speaks; decode rejects any other `Envelope.protocol_version`.
 * 2 added run membership (`ClientHello.run_ids`, `Welcome.run_ids`, `RunEnded`); docs/protocol.md.
 */
export const PROTOCOL_VERSION = 2;

/** The single socket.io event name, used in both directions; each event carries one encoded Envelope. */
export const FEDERA_EVENT = 'federa';

/** Default chunk size; the server derives its transport limit from it (`transportMaxBytes`). */
export const DEFAULT_CHUNK_BYTES = 256 * 1024;

/** Default cap on a reassembled payload. */
export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

/** Default cap on concurrently open chunk streams per FrameReader. */
export const DEFAULT_MAX_OPEN_STREAMS = 4;

/**
 * Bytes a Chunk frame may carry beyond its data: envelope and field tags, a stream id of at most
 * {@link MAX_STREAM_ID_LENGTH} characters, three varints and two 32-byte hashes (about 170 bytes).
 */
export const CHUNK_FRAME_OVERHEAD = 256;

/** Longest accepted `Chunk.stream_id` (senders use 32 hex characters). */
export const MAX_STREAM_ID_LENGTH = 64;

/** Length of a SHA-256 digest in bytes. */
export const SHA256_BYTES = 32;

/**
 * A `ClientHello.client_id` (and an enrolled device's id): 1-128 characters of `A-Za-z0-9._:@-`,
 * starting with a letter or digit. Longer or stranger ids are refused before anything is kept.
 */
export const CLIENT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/;
