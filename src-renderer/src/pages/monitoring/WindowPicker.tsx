import { useState, type ReactNode } from 'react';
import { HISTORY_WINDOWS, type HistoryWindow } from '@shared/contract';
import { readStored, writeStored } from '../../app/storage';

const STORAGE_KEY = 'sluice.monitoring.window';

function isWindow(value: string | null): value is HistoryWindow {
  return value !== null && (HISTORY_WINDOWS as readonly string[]).includes(value);
}

/** The chart window, remembered across pages and restarts. */
export function useChartWindow(): [HistoryWindow, (window: HistoryWindow) => void] {
  const [chartWindow, setChartWindow] = useState<HistoryWindow>(() => {
    const stored = readStored(STORAGE_KEY);
    return isWindow(stored) ? stored : '15m';
  });
  return [
    chartWindow,
    (next) => {
      setChartWindow(next);
      writeStored(STORAGE_KEY, next);
    },
  ];
}

export function WindowPicker({
  value,
  onChange,
}: {
  value: HistoryWindow;
  onChange: (window: HistoryWindow) => void;
}) {
  return (
    <div className="window-picker" role="group" aria-label="Chart window">
      {HISTORY_WINDOWS.map((option) => (
        <button
          key={option}
          type="button"
          className={option === value ? 'button button-small active' : 'button button-small'}
          aria-pressed={option === value}
          onClick={() => onChange(option)}
          data-testid={`window-${option}`}
        >
          {option}
        </button>
      ))}
    </div>
  );
}

/** A history card: its heading with the window picker, then its charts. */
export function HistoryCard({
  title,
  chartWindow,
  onWindowChange,
  testId,
  children,
}: {
  title: ReactNode;
  chartWindow: HistoryWindow;
  onWindowChange: (window: HistoryWindow) => void;
  testId?: string;
  children: ReactNode;
}) {
  return (
    <section className="card" data-testid={testId}>
      <div className="section-head">
        <h2>{title}</h2>
        <WindowPicker value={chartWindow} onChange={onWindowChange} />
      </div>
      {children}
    </section>
  );
}
