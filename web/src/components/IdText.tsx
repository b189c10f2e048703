import { useClipboard } from './hooks.js';

/**
 * A full id with a Copy button: ids are what support, logs and the API ask for, and 8-character
 * prefixes repeat (many rows of one batch start alike).
 */
export function IdText({ id, what = 'id' }: { id: string; what?: string }) {
  const [copied, copy] = useClipboard();
  return (
    <span className="id-text">
      <code>{id}</code>{' '}
      <button type="button" className="small" aria-label={`Copy ${what} ${id}`} onClick={() => void copy(id, id)}>
        {copied === id ? 'Copied' : 'Copy'}
      </button>
    </span>
  );
}
