/**
 * Node's system error codes for a connection that failed below the protocol
 * (DNS, TCP, the network), by what they mean. One table for every place that
 * tells an outage from an error of the request: the connection classifier's
 * words, the dead-letter workbench's pause-and-probe, the sandbox's retries.
 */
export const SOCKET_ERROR_CODES = {
  /** The name did not resolve (or the DNS server did not answer). */
  dns: ['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL', 'EAI_NODATA'],
  /** Nothing listens on that port. */
  refused: ['ECONNREFUSED'],
  /** The other end stopped answering. */
  timeout: ['ETIMEDOUT'],
  /** The connection was open and the other end (or a middlebox) closed it. */
  closed: ['ECONNRESET', 'EPIPE', 'ECONNABORTED'],
  /** No route to the host or network. */
  unreachable: ['ENETUNREACH', 'EHOSTUNREACH', 'EHOSTDOWN', 'ENETDOWN'],
} as const;

export type SocketErrorKind = keyof typeof SOCKET_ERROR_CODES;

const KIND_OF = new Map<string, SocketErrorKind>(
  (Object.entries(SOCKET_ERROR_CODES) as [SocketErrorKind, readonly string[]][]).flatMap(
    ([kind, codes]) => codes.map((code) => [code, kind] as const),
  ),
);

/** What a system error code says about the connection; null for any other code. */
export function socketErrorKind(code: unknown): SocketErrorKind | null {
  return typeof code === 'string' ? (KIND_OF.get(code) ?? null) : null;
}

/** Whether the code names a connection failure (any kind above): worth retrying later. */
export function isSocketErrorCode(code: unknown): boolean {
  return socketErrorKind(code) !== null;
}
