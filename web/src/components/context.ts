import { createContext, useContext } from 'react';
import type { ApiClient } from '../api/client.js';
import type { Api } from '../api/endpoints.js';

export interface Services {
  client: ApiClient;
  api: Api;
}

export const ServicesContext = createContext<Services | null>(null);

export function useServices(): Services {
  const s = useContext(ServicesContext);
  if (!s) throw new Error('ServicesContext missing');
  return s;
}
