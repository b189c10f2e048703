import type { PreflightLine } from '../state/preflight.js';

/**
 * What preflight says about where the content goes (not problems): each table's rows, each
 * repeating group's items, each continuing text's lines, and how many pages the document has.
 */
export function PreflightNotes({
  tables,
  groups,
  texts,
  pages,
}: {
  tables: readonly PreflightLine[] | null;
  groups: readonly PreflightLine[] | null;
  texts: readonly PreflightLine[] | null;
  pages: string | null;
}) {
  return (
    <>
      <NoteList lines={tables} name="Tables" testId="preflight-tables" />
      <NoteList lines={groups} name="Repeating groups" testId="preflight-groups" />
      <NoteList lines={texts} name="Continuing text" testId="preflight-texts" />
      {pages && (
        <p className="table-notes" data-testid="preflight-pages">
          {pages}
        </p>
      )}
    </>
  );
}

function NoteList({ lines, name, testId }: { lines: readonly PreflightLine[] | null; name: string; testId: string }) {
  if (!lines || lines.length === 0) return null;
  return (
    <ul className="table-notes" aria-label={name} data-testid={testId}>
      {lines.map((l, i) => (
        <li key={i}>
          <strong>{l.label}</strong>: {l.message}
        </li>
      ))}
    </ul>
  );
}
