import { useMemo, useState } from 'react';
import type { PayloadView as Payload } from '@shared/contract';
import { formatBytes, hexDump, payloadBytes, prettyJson } from './format';

type Mode = 'json' | 'text' | 'hex';

/** Characters shown before "show all": a 10 MB payload stays responsive. */
const SHOWN_CHARS = 1_000_000;

/**
 * A payload as pretty JSON, plain text or a hex dump. Whatever the bytes hold
 * (markup, script) becomes text nodes: nothing is ever interpreted as HTML.
 */
export function PayloadView({
  payload,
  testId = 'dl-payload',
}: {
  payload: Payload;
  testId?: string;
}) {
  const initial: Mode = payload.json ? 'json' : payload.utf8 ? 'text' : 'hex';
  const [mode, setMode] = useState<Mode>(initial);
  const [showAll, setShowAll] = useState(false);

  const content = useMemo(() => {
    if (mode === 'hex') return hexDump(payloadBytes(payload)).join('\n');
    const text = payload.text ?? '';
    if (mode === 'json') return prettyJson(text) ?? text;
    return text;
  }, [mode, payload]);
  const truncated = !showAll && content.length > SHOWN_CHARS;
  const hexLimited = mode === 'hex' && payload.size > 64 * 1024;

  return (
    <div className="dl-payload" data-testid={testId}>
      <div className="dl-payload-tabs" role="tablist" aria-label="Payload view">
        {payload.json ? (
          <button
            type="button"
            role="tab"
            aria-selected={mode === 'json'}
            onClick={() => setMode('json')}
          >
            JSON
          </button>
        ) : null}
        {payload.utf8 ? (
          <button
            type="button"
            role="tab"
            aria-selected={mode === 'text'}
            onClick={() => setMode('text')}
          >
            Text
          </button>
        ) : null}
        <button
          type="button"
          role="tab"
          aria-selected={mode === 'hex'}
          onClick={() => setMode('hex')}
        >
          Hex
        </button>
        <span className="muted dl-payload-size">
          {formatBytes(payload.size)}
          {payload.utf8 ? '' : ' · not UTF-8'}
        </span>
      </div>
      <pre className="dl-pre" data-testid={`${testId}-content`} data-mode={mode}>
        {truncated ? content.slice(0, SHOWN_CHARS) : content}
      </pre>
      {truncated ? (
        <button type="button" className="button button-small" onClick={() => setShowAll(true)}>
          Show all {formatBytes(payload.size)}
        </button>
      ) : null}
      {hexLimited ? <p className="muted">The hex view shows the first 64 KB.</p> : null}
    </div>
  );
}
