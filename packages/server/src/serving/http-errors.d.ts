import type { FastifyInstance, FastifyReply } from 'fastify';
/** Typed error body of every serving route. */
export interface ErrorBody {
    code: string;
    message: string;
    retryable: boolean;
}
export declare const errorBodySchema: {
    readonly type: "object";
    readonly properties: {
        readonly code: {
            readonly type: "string";
        };
        readonly message: {
            readonly type: "string";
        };
        readonly retryable: {
            readonly type: "boolean";
        };
    };
    readonly required: readonly ["code", "message", "retryable"];
};
/** Send `err` as `{ code, message, retryable }` with the table's status (and Retry-After when retryable). */
export declare function sendError(reply: FastifyReply, err: unknown): FastifyReply;
/** Install the typed error handler (and 404 handler) on an encapsulated serving context. */
export declare function installErrorHandling(app: FastifyInstance): void;
