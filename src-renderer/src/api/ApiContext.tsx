import { createContext, useContext, type ReactNode } from 'react';
import type { SluiceApi } from '@shared/contract';

const ApiContext = createContext<SluiceApi | null>(null);

export function ApiProvider({ api, children }: { api: SluiceApi; children: ReactNode }) {
  return <ApiContext.Provider value={api}>{children}</ApiContext.Provider>;
}

export function useApi(): SluiceApi {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi used outside ApiProvider');
  return api;
}
