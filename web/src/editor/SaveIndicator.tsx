import { errorMessage } from '../api/problem.js';
import type { SaveStatus } from '../state/saver.js';

export interface SaveView {
  status: SaveStatus;
  error: unknown;
}

const TEXT: Record<SaveStatus, string> = {
  saved: 'All changes saved',
  unsaved: 'Unsaved changes',
  saving: 'Saving…',
  failed: 'Save failed — retrying',
};

export function SaveIndicator({ save, onRetry }: { save: SaveView; onRetry: () => void }) {
  return (
    <div className={`save-state ${save.status}`} role="status" aria-live="polite" data-testid="save-state" data-status={save.status}>
      <span className="dot" aria-hidden="true" />
      {TEXT[save.status]}
      {save.status === 'failed' && (
        <>
          <span className="save-error">: {errorMessage(save.error)}</span>
          <button type="button" onClick={onRetry}>
            Retry now
          </button>
        </>
      )}
    </div>
  );
}
