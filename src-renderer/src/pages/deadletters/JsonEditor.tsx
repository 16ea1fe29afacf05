import { json, jsonParseLinter } from '@codemirror/lang-json';
import {
  bracketMatching,
  defaultHighlightStyle,
  foldGutter,
  indentOnInput,
  syntaxHighlighting,
} from '@codemirror/language';
import { linter, lintGutter } from '@codemirror/lint';
import { EditorState } from '@codemirror/state';
import {
  EditorView,
  drawSelection,
  highlightActiveLine,
  highlightActiveLineGutter,
  highlightSpecialChars,
  lineNumbers,
} from '@codemirror/view';
import { useEffect, useRef, useState } from 'react';
import { SluiceError } from '@shared/contract';
import { LineDiff } from '../../components/runbooks/LineDiff';
import { useSaveEdit, useValidateEdit } from '../../queries/deadletters';
import { prettyJson } from './format';

/** Colours from the page's theme variables (custom properties reach into the shadow root). */
const editorTheme = EditorView.theme({
  '&': {
    backgroundColor: 'var(--bg-raised)',
    color: 'var(--fg)',
    fontSize: '0.9rem',
    maxHeight: '30rem',
  },
  '.cm-scroller': { fontFamily: "ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace" },
  '.cm-gutters': {
    backgroundColor: 'var(--bg-sunken)',
    color: 'var(--fg-muted)',
    borderRight: '1px solid var(--border)',
  },
  '.cm-activeLine, .cm-activeLineGutter': { backgroundColor: 'var(--bg-hover)' },
  '&.cm-focused': { outline: 'none' },
  '.cm-content': { caretColor: 'var(--fg)', minHeight: '8rem' },
});

/** Above this, validation waits for "Save": sending megabytes on every pause in typing helps nobody. */
const LIVE_VALIDATION_CHARS = 1024 * 1024;

/**
 * A CodeMirror 6 JSON editor for one payload. Syntax errors are marked in
 * place as you type; the core checks syntax (line and column) and the source's
 * JSON Schema, and refuses to save anything that fails either.
 */
export function JsonEditor({
  sourceId,
  entryKey,
  initial,
  original,
  onDone,
}: {
  sourceId: string;
  entryKey: string;
  initial: string;
  /** The original payload (pretty when JSON), for the before/after diff. */
  original: string;
  onDone: () => void;
}) {
  const host = useRef<HTMLDivElement>(null);
  const [text, setText] = useState(() => prettyJson(initial) ?? initial);
  const [showDiff, setShowDiff] = useState(false);
  const validate = useValidateEdit();
  const save = useSaveEdit(sourceId);
  const { mutate: runValidation } = validate;

  useEffect(() => {
    // The page's CSP allows no <style> elements; inside a shadow root CodeMirror
    // styles itself with constructed stylesheets instead, which the CSP permits.
    const element = host.current!;
    const shadow = element.shadowRoot ?? element.attachShadow({ mode: 'open' });
    const view = new EditorView({
      root: shadow,
      parent: shadow,
      state: EditorState.create({
        doc: prettyJson(initial) ?? initial,
        extensions: [
          lineNumbers(),
          highlightActiveLineGutter(),
          highlightSpecialChars(),
          drawSelection(),
          highlightActiveLine(),
          foldGutter(),
          indentOnInput(),
          bracketMatching(),
          syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
          json(),
          linter(jsonParseLinter(), { delay: 250 }),
          lintGutter(),
          EditorView.lineWrapping,
          editorTheme,
          EditorView.contentAttributes.of({
            'aria-label': 'Payload JSON',
            'data-testid': 'dl-editor-content',
          }),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) setText(update.state.doc.toString());
          }),
        ],
      }),
    });
    return () => view.destroy();
    // The editor is created once; later changes flow through its own state.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    if (text.length > LIVE_VALIDATION_CHARS) return;
    const timer = setTimeout(() => runValidation({ sourceId, text }), 400);
    return () => clearTimeout(timer);
  }, [text, sourceId, runValidation]);

  const current = validate.variables?.text === text ? validate.data : undefined;
  const saveError = save.error instanceof SluiceError ? save.error : null;

  return (
    <div className="dl-editor" data-testid="dl-editor">
      <div className="dl-editor-host" ref={host} />
      <div className="dl-editor-status" aria-live="polite" data-testid="dl-editor-status">
        {current?.syntax ? (
          <p className="field-error" data-testid="dl-editor-syntax">
            Line {current.syntax.line}, column {current.syntax.column}: {current.syntax.message}
          </p>
        ) : null}
        {current && current.schema.length > 0 ? (
          <ul className="field-error" data-testid="dl-editor-schema">
            {current.schema.map((problem) => (
              <li key={`${problem.path}:${problem.message}`}>
                <code>{problem.path}</code> {problem.message}
              </li>
            ))}
          </ul>
        ) : null}
        {current?.ok ? <p className="dl-ok">Valid JSON.</p> : null}
        {saveError ? (
          <p className="field-error" role="alert" data-testid="dl-editor-save-error">
            {saveError.message}
          </p>
        ) : null}
      </div>
      <div className="dl-editor-actions">
        <button
          type="button"
          className="button button-small"
          onClick={() => setShowDiff((v) => !v)}
        >
          {showDiff ? 'Hide changes' : 'Show changes'}
        </button>
        <button type="button" className="button button-small" onClick={onDone}>
          Cancel
        </button>
        <button
          type="button"
          className="button button-small button-primary"
          disabled={save.isPending || current?.ok === false}
          onClick={() => save.mutate({ key: entryKey, text }, { onSuccess: onDone })}
          data-testid="dl-editor-save"
        >
          Save edit
        </button>
      </div>
      {showDiff ? (
        <LineDiff
          before={original}
          after={text}
          beforeLabel="original"
          afterLabel="edited"
          testId="dl-editor-diff"
        />
      ) : null}
    </div>
  );
}
