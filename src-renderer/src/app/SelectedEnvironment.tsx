import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import type { EnvironmentView } from '@shared/contract';
import { useEnvironments } from '../queries/environments';
import { readStored, writeStored } from './storage';

const STORAGE_KEY = 'sluice.selectedEnvironmentId';

interface SelectedEnvironmentValue {
  /** The selected environment, or the first one when the remembered id is gone; null when none exist. */
  environment: EnvironmentView | null;
  select: (id: string) => void;
}

const SelectedEnvironmentContext = createContext<SelectedEnvironmentValue | null>(null);

export function SelectedEnvironmentProvider({ children }: { children: ReactNode }) {
  const { data: environments } = useEnvironments();
  const [selectedId, setSelectedId] = useState<string | null>(() => readStored(STORAGE_KEY));

  const select = useCallback((id: string) => {
    setSelectedId(id);
    writeStored(STORAGE_KEY, id);
  }, []);

  const value = useMemo<SelectedEnvironmentValue>(() => {
    const list = environments ?? [];
    const environment = list.find((e) => e.id === selectedId) ?? list[0] ?? null;
    return { environment, select };
  }, [environments, selectedId, select]);

  return (
    <SelectedEnvironmentContext.Provider value={value}>
      {children}
    </SelectedEnvironmentContext.Provider>
  );
}

export function useSelectedEnvironment(): SelectedEnvironmentValue {
  const value = useContext(SelectedEnvironmentContext);
  if (!value) throw new Error('useSelectedEnvironment used outside SelectedEnvironmentProvider');
  return value;
}
