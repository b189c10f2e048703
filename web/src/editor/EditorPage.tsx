import { useCallback, useEffect, useLayoutEffect, useMemo, useReducer, useRef, useState } from 'react';
import { fieldInputSchema } from '@/shared/domain/field.js';
import type { Field, Template } from '../api/types.js';
import { useServices } from '../components/context.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { useExclusiveAction } from '../components/hooks.js';
import { canRedo, canUndo, editorReducer, initialEditorState } from '../state/editor.js';
import { byLayer, isLocalKey, TOOL_SIZES, toSpec, type EditorField, type Tool } from '../state/fields.js';
import type { PageSize } from '../state/geometry.js';
import { isEditableTarget, keyToAction } from '../state/keyboard.js';
import {
  continuedTextLines,
  currentPreflight,
  groupLines,
  issuesByField,
  pageCountNote,
  preflightLines,
  tableLines,
  type PreflightCheck,
} from '../state/preflight.js';
import { parseSample } from '../state/sample.js';
import { diffVersion } from '../state/versions.js';
import { Palette } from './Palette.js';
import { openPdf, pageSizes, type PDFDocumentProxy } from './pdf.js';
import { PageView, type SnapSettings } from './PageView.js';
import { BatchPanel } from './BatchPanel.js';
import { useFontOptions } from './fonts.js';
import { PreviewPanel } from './PreviewPanel.js';
import { PropertyPanel } from './PropertyPanel.js';
import { Thumbnails } from './Thumbnails.js';
import { AllPages } from './AllPages.js';
import { ReplacePdf } from './ReplacePdf.js';
import { TemplateActions } from './TemplateActions.js';
import { ShortcutSheet } from './ShortcutSheet.js';
import { Toolbar } from './Toolbar.js';
import { useFieldSaver } from './useFieldSaver.js';
import { useSampleVisibility } from './useSampleVisibility.js';
import { DraftState, pdfReplacedSince, VersionsPanel, versionedFields, type LiveVersion, type VersionEntry } from './VersionsPanel.js';

/** A stored field as the editor holds it: the spec (defaults filled) keyed by its fieldId. */
export function toEditorField(f: Field): EditorField {
  return { ...fieldInputSchema.parse(f), key: f.fieldId };
}

const PANELS = [
  ['properties', 'Properties'],
  ['preview', 'Preview'],
  ['batch', 'Batch'],
  ['versions', 'Versions'],
] as const;

export function EditorPage({ templateId }: { templateId: string }) {
  const { api, client } = useServices();
  const fonts = useFontOptions(api);
  const [template, setTemplate] = useState<Template | null>(null);
  const [loaded, setLoaded] = useState<EditorField[] | null>(null);
  const [doc, setDoc] = useState<PDFDocumentProxy | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [state, dispatch] = useReducer(editorReducer, undefined, () => initialEditorState());
  const [page, setPage] = useState(1);
  const [zoom, setZoom] = useState(1);
  const [armed, setArmed] = useState<Tool | null>(null);
  const [snap, setSnap] = useState<SnapSettings>({ gridOn: true, grid: 5, edges: true });
  const [panel, setPanel] = useState<'properties' | 'preview' | 'batch' | 'versions'>('properties');
  const [versions, setVersions] = useState<VersionEntry[]>([]);
  const [live, setLive] = useState<LiveVersion | null>(null);
  const [confirmPublish, setConfirmPublish] = useState(false);
  const [shortcuts, setShortcuts] = useState(false);
  const [preflightCheck, setPreflightCheck] = useState<PreflightCheck | null>(null);
  const [sample, setSample] = useState<string | null>(null);
  const [notice, setNotice] = useState<string>('');
  const [actionError, setActionError] = useState<unknown>(null);
  // Bumped when the base PDF is replaced: the template, its PDF and its fields are loaded again.
  const [revision, setRevision] = useState(0);
  const scroller = useRef<HTMLDivElement>(null);
  const { saver, save, flush } = useFieldSaver(client, templateId, loaded, state.fields);

  useEffect(() => {
    let alive = true;
    let opened: PDFDocumentProxy | null = null;
    (async () => {
      const { template: t, fields } = await api.getTemplate(templateId);
      const res = await api.templatePdf(templateId);
      const pdf = await openPdf(await res.arrayBuffer());
      opened = pdf;
      if (!alive) return;
      const sizes: PageSize[] = await pageSizes(pdf).catch(() => t.pages ?? []);
      const editorFields = fields.map(toEditorField);
      setTemplate(t);
      setDoc(pdf);
      dispatch({ type: 'load', pages: sizes, fields: editorFields });
      setLoaded(editorFields);
      await loadVersions(t.templateId, () => alive);
    })().catch((err: unknown) => alive && setLoadError(err));
    return () => {
      alive = false;
      void (opened as PDFDocumentProxy | null)?.loadingTask.destroy();
    };
  }, [api, templateId, revision]);

  /** The published versions and the fields of the live one (what API generation uses). */
  const loadVersions = useCallback(
    async (id: string, alive: () => boolean = () => true) => {
      const { items } = await api.versions(id);
      const last = items[items.length - 1];
      const liveFields = last ? versionedFields((await api.getVersion(id, last.version)).fields) : null;
      if (!alive()) return;
      setVersions(items);
      setLive(last && liveFields ? { version: last.version, fields: liveFields } : null);
    },
    [api],
  );

  const fitWidth = useCallback(() => {
    const size = state.pages[page - 1];
    if (!size || !scroller.current) return;
    setZoom(Math.max(0.25, (scroller.current.clientWidth - 48) / size.width));
  }, [state.pages, page]);

  // Fit the first page to the width once the canvas area exists (rounded to 5 % steps). A layout
  // effect: the first frame of the page is already at the fitted zoom. With a passive effect the
  // page and its fields appeared at 100 % and changed size a moment later (pdf.js could even draw
  // the 100 % page first), so whatever measured them in between (a click aimed at a spot, a test
  // comparing boxes across a reload) measured a layout about to change.
  const fitted = useRef(false);
  useLayoutEffect(() => {
    const first = state.pages[0];
    if (fitted.current || !first || !scroller.current) return;
    fitted.current = true;
    const avail = scroller.current.clientWidth - 48;
    setZoom(Math.max(0.5, Math.min(2, Math.floor((avail / first.width) * 20) / 20)));
  }, [state.pages, loaded]);

  // A layout effect, so the listener always knows the selection the page shows: after a selection
  // made outside an input event (the import selects what it added) a passive effect could still
  // hold the previous one when the next key arrived, and Delete or an arrow was silently ignored.
  useLayoutEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isEditableTarget(e.target)) return;
      if (e.key === '?' && !e.ctrlKey && !e.metaKey) {
        e.preventDefault();
        setShortcuts(true);
        return;
      }
      if (e.key === 'Escape' && armed) {
        setArmed(null);
        return;
      }
      // Text selected elsewhere (a warning in the panel) is what Ctrl+C copies, unless the user has
      // since clicked a field: the page is user-select:none, so that click may leave the text selected.
      const onPage = document.activeElement instanceof HTMLElement && document.activeElement.closest('.page-surface') !== null;
      const textSelected = !onPage && Boolean(window.getSelection()?.toString());
      const action = keyToAction(e, page, { fieldsSelected: state.selection.length > 0, textSelected });
      if (!action) return;
      // Arrow keys and Backspace only act on a selection; otherwise let the page scroll.
      if ((action.type === 'nudge' || action.type === 'delete') && state.selection.length === 0) return;
      e.preventDefault();
      dispatch(action);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [page, armed, state.selection.length]);

  // Preflight findings, each naming its field, and keyed by editor field for the page and the panel.
  // Only while the check still describes the fields and sample data: an answer for other data is
  // shown as out of date, never as "No problems found." (see currentPreflight).
  const preflight = useMemo(() => currentPreflight(preflightCheck, state.fields, sample), [preflightCheck, state.fields, sample]);
  const preflightStale = preflightCheck !== null && preflight === null;
  const { findings, notes } = useMemo(() => {
    if (!preflight) return { findings: null, notes: null };
    const names = new Map(state.fields.map((f) => [f.key, f.name]));
    const keyOf = (id: string) => saver.current?.keyOfFieldId(id);
    const nameOf = (key: string) => names.get(key);
    return {
      findings: preflightLines(preflight, keyOf, nameOf),
      notes: {
        tables: tableLines(preflight, keyOf, nameOf),
        groups: groupLines(preflight, keyOf, nameOf),
        texts: continuedTextLines(preflight, keyOf, nameOf),
        pages: pageCountNote(preflight, state.pages.length),
      },
    };
  }, [preflight, saver, state.fields, state.pages.length]);
  const issues = useMemo(() => issuesByField(findings ?? []), [findings]);
  // The draft as the versions see it: saved fields by their server id (a loaded field's key is its
  // id; save.status re-renders once a new field has one), unsaved ones as added.
  const draftVersioned = useMemo(
    () => state.fields.map((f) => ({ fieldId: saver.current?.fieldIdOf(f.key) ?? (isLocalKey(f.key) ? null : f.key), spec: toSpec(f) })),
    [state.fields, saver, save.status],
  );
  const liveDiff = useMemo(() => (live ? diffVersion(live.fields, draftVersioned) : null), [live, draftVersioned]);
  // What expressions are computed from: the preview's sample, or the one the fields suggest.
  const sampleData = useMemo(() => parseSample(sample, state.fields), [sample, state.fields]);
  const hiddenForSample = useSampleVisibility(state.fields, sampleData);

  /** Brings a field into view and selects it (from a preflight finding). */
  function showField(key: string) {
    const f = state.fields.find((x) => x.key === key);
    if (!f) return;
    goToPage(f.page);
    dispatch({ type: 'select', keys: [key] });
  }

  /** Scrolls the page into view (all pages are in one column) and makes it the current one. */
  function goToPage(n: number) {
    setPage(n);
    scroller.current?.querySelector(`[data-page-slot="${n}"]`)?.scrollIntoView({ block: 'start' });
  }

  const headAction = useExclusiveAction();

  async function importFormFields() {
    setActionError(null);
    try {
      const { items } = await api.importFormFields(templateId);
      const fields = items.map(toEditorField);
      saver.current?.markSaved(fields);
      dispatch({ type: 'addMany', fields });
      // The API skips fields imported before (by AcroForm name): say which case an empty answer is.
      const before = state.fields.some((f) => f.advanced.acroFormName);
      setNotice(
        items.length
          ? `Imported ${items.length} form field(s).`
          : before
            ? 'All form fields of this PDF are already imported.'
            : 'This PDF has no form fields to import.',
      );
    } catch (err) {
      setActionError(err);
    }
  }

  async function publish() {
    setActionError(null);
    try {
      await flush();
      const { version } = await api.publish(templateId);
      setConfirmPublish(false);
      setTemplate((t) => (t ? { ...t, publishedVersion: version, status: 'active' } : t));
      setNotice(`Published version ${version}.`);
      await loadVersions(templateId);
    } catch (err) {
      setActionError(err);
    }
  }

  /** The fields of `version` become the draft (same ids), and the editor starts over from them. */
  /** The base PDF was replaced: load the template, its PDF and its fields again. */
  function onReplaced(t: Template) {
    setTemplate(t);
    setPage(1);
    setNotice('The PDF was replaced; the fields are where the review said.');
    setRevision((r) => r + 1);
  }

  async function restoreVersion(version: number) {
    await flush();
    const v = await api.getVersion(templateId, version);
    const { items } = await api.replaceFields(
      templateId,
      v.fields.map((f) => ({ ...fieldInputSchema.parse(f), fieldId: f.fieldId })),
    );
    const fields = items.map(toEditorField);
    dispatch({ type: 'load', pages: state.pages, fields });
    setLoaded(fields);
    setNotice(`The draft is now version ${version}.`);
  }

  if (loadError) return <ErrorMessage error={loadError} />;
  if (!template || !loaded) return <p role="status">Loading template…</p>;

  const size = state.pages[page - 1] ?? { width: 612, height: 792 };
  const single = state.selection.length === 1 ? (state.fields.find((f) => f.key === state.selection[0]) ?? null) : null;
  const nextVersion = (versions[versions.length - 1]?.version ?? 0) + 1;
  const counts = state.pages.map((_, i) => state.fields.filter((f) => f.page === i + 1).length);

  return (
    <div className="editor">
      <div className="editor-head">
        <h1>
          {template.name} <span className={`badge ${template.status}`}>{template.status}</span>
          {template.publishedVersion ? <span className="muted"> v{template.publishedVersion}</span> : null}
        </h1>
        <div className="button-row">
          <button type="button" disabled={headAction.busy} onClick={() => void headAction.run(importFormFields)}>
            Import form fields
          </button>
          {confirmPublish ? (
            <>
              <button type="button" className="primary" disabled={headAction.busy} onClick={() => void headAction.run(publish)}>
                Publish as v{nextVersion}
              </button>
              <button type="button" onClick={() => setConfirmPublish(false)}>
                Cancel
              </button>
            </>
          ) : (
            <button type="button" className="primary" disabled={headAction.busy} onClick={() => setConfirmPublish(true)}>
              Publish version
            </button>
          )}
        </div>
        <DraftState live={live} diff={liveDiff} pdfReplaced={pdfReplacedSince(template, versions)} />
        <TemplateActions api={api} template={template} fields={state.fields} onTemplate={setTemplate} flush={flush}>
          <ReplacePdf templateId={templateId} flush={flush} onReplaced={onReplaced} />
        </TemplateActions>
        {confirmPublish && (
          <p className="muted" data-testid="publish-confirm">
            API generation will use v{nextVersion} from then on{live ? ` instead of v${live.version}` : ''}.
          </p>
        )}
        <span role="status" className="notice">
          {notice}
        </span>
        <ErrorMessage error={actionError} />
      </div>
      <Toolbar
        zoom={zoom}
        setZoom={setZoom}
        fitWidth={fitWidth}
        canUndo={canUndo(state)}
        canRedo={canRedo(state)}
        selectionCount={state.selection.length}
        snap={snap}
        setSnap={setSnap}
        dispatch={dispatch}
        save={save}
        onRetry={() => void flush().catch(() => undefined)}
        onShortcuts={() => setShortcuts(true)}
      />
      {shortcuts && <ShortcutSheet onClose={() => setShortcuts(false)} />}
      <div className="editor-body">
        <aside className="editor-left">
          <Palette
            armed={armed}
            onArm={setArmed}
            onPlaceCentered={(t) =>
              dispatch({
                type: 'add',
                fieldType: t,
                page,
                at: { x: Math.round((size.width - TOOL_SIZES[t].width) / 2), y: Math.round((size.height - TOOL_SIZES[t].height) / 2) },
              })
            }
          />
          <Thumbnails doc={doc} pageCount={state.pages.length} current={page} onSelect={goToPage} fieldCounts={counts} />
        </aside>
        <div className="canvas-scroll" ref={scroller}>
          <AllPages
            pages={state.pages}
            zoom={zoom}
            scroller={scroller}
            onCurrent={setPage}
            render={(n) => (
              <PageView
                doc={doc}
                pageNumber={n}
                size={state.pages[n - 1]}
                zoom={zoom}
                fields={byLayer(state.fields.filter((f) => f.page === n))}
                selection={state.selection}
                armed={armed}
                snap={snap}
                issues={issues}
                hiddenForSample={hiddenForSample}
                sample={sampleData}
                dispatch={dispatch}
                onPlaced={() => setArmed(null)}
              />
            )}
          />
        </div>
        <aside className="editor-right">
          <div className="tabs" role="tablist" aria-label="Side panel">
            {PANELS.map(([id, label]) => (
              <button key={id} type="button" role="tab" aria-selected={panel === id} onClick={() => setPanel(id)}>
                {label}
              </button>
            ))}
          </div>
          <div role="tabpanel">
            {panel === 'properties' ? (
              <PropertyPanel
                pageCount={state.pages.length}
                sample={sampleData}
                fields={state.fields}
                pageSize={single ? state.pages[single.page - 1] : undefined}
                key={single?.key ?? 'none'}
                fonts={fonts}
                field={single}
                selectionCount={state.selection.length}
                issues={single ? (issues.get(single.key) ?? []) : []}
                onPatch={(patch) => single && dispatch({ type: 'update', key: single.key, patch })}
              />
            ) : panel === 'preview' ? (
              <PreviewPanel
                api={api}
                templateId={templateId}
                fields={state.fields}
                flush={flush}
                findings={findings}
                tableNotes={notes?.tables}
                groupNotes={notes?.groups}
                textNotes={notes?.texts}
                pageNote={notes?.pages}
                stale={preflightStale}
                onPreflight={setPreflightCheck}
                sample={sample}
                onSample={setSample}
                onShowField={showField}
                basePages={state.pages.length}
              />
            ) : panel === 'batch' ? (
              <BatchPanel api={api} templateId={templateId} fields={state.fields} flush={flush} />
            ) : (
              <VersionsPanel api={api} templateId={templateId} versions={versions} draft={draftVersioned} onRestore={restoreVersion} />
            )}
          </div>
        </aside>
      </div>
    </div>
  );
}
