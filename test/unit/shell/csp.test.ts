import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY_META } from '../../../src-main/shell/csp';

function directives(policy: string): Map<string, string> {
  return new Map(
    policy
      .split(';')
      .map((part) => part.trim())
      .filter(Boolean)
      .map((part) => {
        const [name = '', ...values] = part.split(/\s+/);
        return [name, values.join(' ')] as const;
      }),
  );
}

describe('content security policy', () => {
  it('is the strict self-only policy', () => {
    expect(CONTENT_SECURITY_POLICY).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
  });

  it('allows no inline code, eval or remote host anywhere', () => {
    for (const value of directives(CONTENT_SECURITY_POLICY).values()) {
      expect(value).not.toMatch(/unsafe-|\*|https?:|wss?:|blob:/);
    }
  });

  it('the meta form is the header form without frame-ancestors (ignored in meta tags)', () => {
    const header = directives(CONTENT_SECURITY_POLICY);
    header.delete('frame-ancestors');
    expect(directives(CONTENT_SECURITY_POLICY_META)).toEqual(header);
  });

  it("the renderer's index.html carries the same policy in its meta tag", () => {
    const html = readFileSync(new URL('../../../src-renderer/index.html', import.meta.url), 'utf8');
    const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/i.exec(html);
    expect(meta, 'src-renderer/index.html has no CSP meta tag').not.toBeNull();
    expect(directives(meta?.[1] ?? '')).toEqual(directives(CONTENT_SECURITY_POLICY_META));
  });
});
