import { useEffect, useMemo, useRef, useState } from 'react';
import { useEnvironments } from '../queries/environments';
import { pages, type PageId } from './routes';

export interface PaletteCommand {
  id: string;
  label: string;
  /** Shown at the right: "Page", "Environment", "Theme". */
  group: string;
  run: () => void;
}

interface Props {
  onClose: () => void;
  navigate: (page: PageId) => void;
  selectEnvironment: (id: string) => void;
  setTheme: (theme: 'system' | 'light' | 'dark') => void;
}

function matches(label: string, filter: string): boolean {
  const haystack = label.toLowerCase();
  return filter
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((word) => haystack.includes(word));
}

/** Ctrl/Cmd+K: go to a page, switch environment or change theme from the keyboard. */
export function CommandPalette({ onClose, navigate, selectEnvironment, setTheme }: Props) {
  const { data: environments } = useEnvironments();
  const [filter, setFilter] = useState('');
  const [active, setActive] = useState(0);
  const inputRef = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLUListElement>(null);

  const commands = useMemo<PaletteCommand[]>(() => {
    const all: PaletteCommand[] = pages.map((page) => ({
      id: `page-${page.id}`,
      label: `Go to ${page.label}`,
      group: 'Page',
      run: () => navigate(page.id),
    }));
    for (const environment of environments ?? []) {
      all.push({
        id: `env-${environment.id}`,
        label: `Switch to ${environment.name}${environment.production ? ' (production)' : ''}`,
        group: 'Environment',
        run: () => selectEnvironment(environment.id),
      });
    }
    for (const theme of ['light', 'dark', 'system'] as const) {
      all.push({
        id: `theme-${theme}`,
        label: `Theme: ${theme}`,
        group: 'Theme',
        run: () => setTheme(theme),
      });
    }
    return all;
  }, [environments, navigate, selectEnvironment, setTheme]);

  const visible = commands.filter((command) => matches(command.label, filter));
  const activeIndex = Math.min(active, Math.max(visible.length - 1, 0));

  useEffect(() => {
    // Give focus back to where it was when the palette closes.
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    inputRef.current?.focus();
    return () => previous?.focus();
  }, []);

  useEffect(() => {
    listRef.current
      ?.querySelector(`[data-index="${activeIndex}"]`)
      ?.scrollIntoView({ block: 'nearest' });
  }, [activeIndex]);

  const runCommand = (command: PaletteCommand | undefined) => {
    if (!command) return;
    onClose();
    command.run();
  };

  return (
    <div className="palette-backdrop" onMouseDown={onClose}>
      <div
        className="palette"
        role="dialog"
        aria-modal="true"
        aria-label="Command palette"
        data-testid="command-palette"
        onMouseDown={(event) => event.stopPropagation()}
        onKeyDown={(event) => {
          if (event.key === 'ArrowDown') {
            event.preventDefault();
            setActive((activeIndex + 1) % Math.max(visible.length, 1));
          } else if (event.key === 'ArrowUp') {
            event.preventDefault();
            setActive((activeIndex - 1 + visible.length) % Math.max(visible.length, 1));
          } else if (event.key === 'Enter') {
            event.preventDefault();
            runCommand(visible[activeIndex]);
          } else if (event.key === 'Escape') {
            event.preventDefault();
            onClose();
          }
        }}
      >
        <input
          ref={inputRef}
          className="palette-input"
          placeholder="Type a command: a page, an environment, a theme…"
          value={filter}
          role="combobox"
          aria-expanded="true"
          aria-controls="palette-list"
          aria-activedescendant={visible[activeIndex] ? `palette-${visible[activeIndex].id}` : ''}
          onChange={(event) => {
            setFilter(event.target.value);
            setActive(0);
          }}
        />
        <ul id="palette-list" ref={listRef} className="palette-list" role="listbox">
          {visible.length === 0 ? <li className="palette-empty">No matching command</li> : null}
          {visible.map((command, index) => (
            <li
              key={command.id}
              id={`palette-${command.id}`}
              data-index={index}
              role="option"
              aria-selected={index === activeIndex}
              className={index === activeIndex ? 'palette-item active' : 'palette-item'}
              onMouseEnter={() => setActive(index)}
              onClick={() => runCommand(command)}
            >
              <span>{command.label}</span>
              <span className="palette-group">{command.group}</span>
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
