/**
 * The one Content-Security-Policy of Sluice's renderer. The Electron shell
 * sends it as a response header for dev-server pages, browser mode sends it
 * on every page response, and src-renderer/index.html carries the same text
 * in a <meta http-equiv> tag for file:// loads, where no header exists.
 *
 * Everything comes from the app itself: no inline script or style, no eval,
 * no remote hosts. Payloads are untrusted, so even an injection bug must not
 * be able to run script or send data anywhere.
 */
const directives: ReadonlyArray<readonly [string, string]> = [
  ['default-src', "'self'"],
  ['script-src', "'self'"],
  ['style-src', "'self'"],
  ['img-src', "'self' data:"],
  ['connect-src', "'self'"],
  ['font-src', "'self'"],
  ['object-src', "'none'"],
  ['base-uri', "'none'"],
  ['form-action', "'none'"],
  ['frame-ancestors', "'none'"],
];

function serialise(list: ReadonlyArray<readonly [string, string]>): string {
  return list.map(([name, value]) => `${name} ${value}`).join('; ');
}

/** The policy for HTTP response headers. */
export const CONTENT_SECURITY_POLICY = serialise(directives);

/**
 * The same policy for a <meta http-equiv> tag. frame-ancestors is left out
 * because browsers ignore it in a meta tag (and log a warning); it only has
 * force as a header.
 */
export const CONTENT_SECURITY_POLICY_META = serialise(
  directives.filter(([name]) => name !== 'frame-ancestors'),
);
