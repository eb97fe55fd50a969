import protobuf from 'protobufjs/light.js';
import { descriptor } from './generated/descriptor.js';

// Reflection-only protobufjs (no .proto parser): isomorphic and small enough for the browser client.
const root = protobuf.Root.fromJSON(descriptor as protobuf.INamespace).resolveAll();

/** `federa.v1.Envelope`, resolved. */
export const EnvelopeType: protobuf.Type = root.lookupType('federa.v1.Envelope');

/** Message type of each member of `Envelope.body`, keyed by field name (= EnvelopeBody kind). */
export const bodyTypes: ReadonlyMap<string, protobuf.Type> = new Map(
  (EnvelopeType.oneofs['body']?.fieldsArray ?? []).map((field) => {
    const type = field.resolve().resolvedType;
    if (!(type instanceof protobuf.Type)) throw new TypeError(`Envelope.${field.name} is not a message`);
    return [field.name, type];
  }),
);

export { protobuf };
