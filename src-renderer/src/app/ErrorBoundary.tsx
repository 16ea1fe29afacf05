import { Component, type ErrorInfo, type ReactNode } from 'react';
import { SluiceError } from '@shared/contract';

interface Props {
  children: ReactNode;
  /** What failed, for the heading: "This page", "Sluice". */
  scope: string;
}

interface State {
  error: Error | null;
}

/** Catches render errors so one broken page never blanks the whole window. */
export class ErrorBoundary extends Component<Props, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error(`${this.props.scope} failed to render`, error, info.componentStack);
  }

  override render() {
    const { error } = this.state;
    if (!error) return this.props.children;
    const code = error instanceof SluiceError ? error.code : 'INTERNAL';
    return (
      <div className="error-boundary" role="alert" data-testid="error-boundary">
        <h2>{this.props.scope} stopped working</h2>
        <p>
          <strong className="error-code">{code}</strong> {error.message}
        </p>
        <button type="button" className="button" onClick={() => this.setState({ error: null })}>
          Try again
        </button>
      </div>
    );
  }
}
