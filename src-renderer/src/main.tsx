import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { connect } from './api/connect';
import { App, NoConnection } from './app/App';
import { createQueryClient } from './queries/queryClient';
import './styles/index.css';

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');

const connection = connect();
createRoot(container).render(
  <StrictMode>
    {connection ? (
      <App connection={connection} queryClient={createQueryClient()} />
    ) : (
      <NoConnection />
    )}
  </StrictMode>,
);
