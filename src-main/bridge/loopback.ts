import { isIPv4, isIPv6 } from 'node:net';

/** Thrown when asked to serve on an address other machines could reach. */
export class NonLoopbackAddressError extends Error {
  constructor(readonly address: string) {
    super(
      `refusing to listen on "${address}": browser mode serves the core (with access to ` +
        'your pipelines and credentials) to loopback only; use 127.0.0.1 (or another ' +
        '127.x.x.x address) or ::1',
    );
    this.name = 'NonLoopbackAddressError';
  }
}

export interface LoopbackAddress {
  /** What server.listen() gets. */
  readonly bindAddress: string;
  /** How the address appears in a URL and in the Host header: "127.0.0.1" or "[::1]". */
  readonly urlHost: string;
}

/**
 * Accepts IPv4 literals in 127.0.0.0/8 and the IPv6 loopback ::1 (any spelling,
 * brackets optional). "localhost" is accepted as a synonym for 127.0.0.1 and
 * binds that literal address: resolving the name at run time could give ::1 on
 * one machine and 127.0.0.1 on another, and the Host check compares against the
 * literal address the URL names, so the URL must never carry a DNS name (a name
 * is what a DNS-rebinding page controls). Everything else throws
 * NonLoopbackAddressError naming the address, including 0.0.0.0 and ::.
 */
export function resolveLoopbackHost(host: string): LoopbackAddress {
  const trimmed = host.trim();
  if (trimmed.toLowerCase() === 'localhost') {
    return { bindAddress: '127.0.0.1', urlHost: '127.0.0.1' };
  }
  // isIPv4 rejects shorthand ("127.1") and leading zeros, so the literal is
  // already the canonical form a browser puts in its Host header.
  if (isIPv4(trimmed)) {
    if (trimmed.split('.')[0] === '127') return { bindAddress: trimmed, urlHost: trimmed };
    throw new NonLoopbackAddressError(host);
  }
  const unbracketed =
    trimmed.startsWith('[') && trimmed.endsWith(']') ? trimmed.slice(1, -1) : trimmed;
  if (isIPv6(unbracketed)) {
    // The WHATWG URL parser gives the canonical spelling ("[::1]"), the same
    // one a browser sends in its Host header.
    const canonical = new URL(`http://[${unbracketed}]/`).hostname;
    if (canonical === '[::1]') return { bindAddress: '::1', urlHost: '[::1]' };
  }
  throw new NonLoopbackAddressError(host);
}
