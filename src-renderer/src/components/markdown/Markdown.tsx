import MarkdownIt from 'markdown-it';
type Token = ReturnType<InstanceType<typeof MarkdownIt>['parse']>[number];
import { createElement, useMemo, type ReactNode } from 'react';

/**
 * Renders markdown by walking markdown-it's token stream into React elements.
 * No HTML string is ever produced or injected: raw HTML in the source is off
 * (shown as text), only a fixed set of tags can appear, and links become
 * anchors only for http(s) URLs (opened outside the app).
 */
const parser = new MarkdownIt({ html: false, linkify: true, typographer: false });

const ALLOWED_TAGS = new Set([
  'p',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'ul',
  'ol',
  'li',
  'blockquote',
  'strong',
  'em',
  's',
  'code',
  'pre',
  'a',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
  'hr',
  'br',
]);

export function isExternalHttpUrl(href: string): boolean {
  try {
    const url = new URL(href);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

interface Frame {
  tag: string;
  props: Record<string, unknown>;
  children: ReactNode[];
}

function propsFor(token: Token, key: string): Record<string, unknown> {
  const props: Record<string, unknown> = { key };
  if (token.tag === 'a') {
    const href = String(token.attrGet('href') ?? '');
    if (isExternalHttpUrl(href)) {
      props.href = href;
      props.target = '_blank';
      props.rel = 'noopener noreferrer';
    }
  }
  if (token.tag === 'ol') {
    const start = Number(token.attrGet('start'));
    if (Number.isInteger(start) && start > 1) props.start = start;
  }
  if ((token.tag === 'th' || token.tag === 'td') && token.attrGet('style')) {
    const align = /text-align:(left|right|center)/.exec(String(token.attrGet('style') ?? ''))?.[1];
    if (align) props.className = `md-align-${align}`;
  }
  return props;
}

function renderTokens(tokens: readonly Token[], keyPrefix: string): ReactNode[] {
  const root: Frame = { tag: '', props: {}, children: [] };
  const stack: Frame[] = [root];
  const top = () => stack[stack.length - 1]!;
  tokens.forEach((token, index) => {
    const key = `${keyPrefix}${index}`;
    if (token.nesting === 1) {
      stack.push({ tag: token.tag, props: propsFor(token, key), children: [] });
      return;
    }
    if (token.nesting === -1) {
      const frame = stack.length > 1 ? stack.pop()! : root;
      // An anchor without an allowed href is shown as its text only.
      const tag = frame.tag === 'a' && !frame.props.href ? 'span' : frame.tag;
      const element =
        ALLOWED_TAGS.has(tag) || tag === 'span'
          ? createElement(tag, frame.props, ...frame.children)
          : createElement('span', { key: frame.props.key as string }, ...frame.children);
      top().children.push(element);
      return;
    }
    switch (token.type) {
      case 'inline':
        top().children.push(...renderTokens(token.children ?? [], `${key}.`));
        break;
      case 'text':
      case 'html_inline':
      case 'html_block':
        top().children.push(token.content);
        break;
      case 'code_inline':
        top().children.push(createElement('code', { key }, token.content));
        break;
      case 'fence':
      case 'code_block':
        top().children.push(
          createElement('pre', { key }, createElement('code', null, token.content)),
        );
        break;
      case 'softbreak':
        top().children.push('\n');
        break;
      case 'hardbreak':
        top().children.push(createElement('br', { key }));
        break;
      case 'hr':
        top().children.push(createElement('hr', { key }));
        break;
      case 'image':
        // Remote images are not loaded; the alt text stands in.
        top().children.push(`[image: ${token.content}]`);
        break;
      default:
        if (token.content) top().children.push(token.content);
    }
  });
  return root.children;
}

export function Markdown({ source, className }: { source: string; className?: string }) {
  const nodes = useMemo(() => renderTokens(parser.parse(source, {}), 'md'), [source]);
  return <div className={className ?? 'markdown'}>{nodes}</div>;
}
