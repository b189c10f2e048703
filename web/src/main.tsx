import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiClient } from './api/client.js';
import { createApi } from './api/endpoints.js';
import { App } from './App.js';
import './editor/engine-fonts.js';
import './styles.css';

const client = new ApiClient('');
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App client={client} api={createApi(client)} />
  </StrictMode>,
);
