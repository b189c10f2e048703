import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { ApiClient } from '../api/client.js';
import { fieldsApi } from '../api/endpoints.js';
import type { EditorField } from '../state/fields.js';
import { FieldSaver } from '../state/saver.js';
import type { SaveView } from './SaveIndicator.js';

/** Binds a FieldSaver to the editor's fields: saves on change, warns before leaving with unsaved work. */
export function useFieldSaver(client: ApiClient, templateId: string, loaded: EditorField[] | null, fields: EditorField[]) {
  const saver = useRef<FieldSaver | null>(null);
  const [save, setSave] = useState<SaveView>({ status: 'saved', error: null });

  // Layout effects (this one and the next, in this order) so the saver exists before it is given fields.
  useLayoutEffect(() => {
    if (!loaded) return;
    const s = new FieldSaver(fieldsApi(client, templateId), loaded, {
      onStatus: (status, error) => setSave({ status, error: error ?? null }),
    });
    saver.current = s;
    return () => {
      // Leaving the editor inside the app: send what is pending, then stop retrying.
      void s
        .flush()
        .catch(() => undefined)
        .finally(() => s.dispose());
      saver.current = null;
    };
  }, [client, templateId, loaded]);

  // A layout effect, not a passive one: the indicator must say "unsaved" in the same frame the
  // change appears. With useEffect there was a frame showing a changed field next to "All changes
  // saved" (an undo right after a redo), and anything trusting the indicator (a user closing the
  // tab, the browser test) could act on a save that had not started.
  useLayoutEffect(() => {
    saver.current?.update(fields);
  }, [fields]);

  useEffect(() => {
    const warn = (e: BeforeUnloadEvent) => {
      if (saver.current?.hasUnsaved()) {
        e.preventDefault();
        e.returnValue = '';
      }
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, []);

  const flush = useCallback(async () => {
    await saver.current?.flush();
  }, []);

  return { saver, save, flush };
}
