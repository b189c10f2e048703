import { groupSchema, type GroupSpec } from '@/shared/domain/group.js';
import type { EditorField } from '../state/fields.js';
import { gridOverflow, groupMembers, groupOfField, insideCell, memberKey } from '../state/groups.js';
import { ContinuationProps } from './ContinuationBox.js';
import { Group, NumberProp, SelectProp } from './inputs.js';

/**
 * A repeating group's grid (cells across and down, gaps, fill order), its bound on items, where
 * its items continue, and its members: the fields bound to `<key>.…`, which must lie in the cell.
 * Each change commits the whole group definition, parsed by the domain schema.
 */
export function GroupProps({
  field,
  fields,
  pageCount,
  pageSize,
  onCommit,
}: {
  field: EditorField;
  /** Every field of the template (the members are among them). */
  fields: readonly EditorField[];
  pageCount: number;
  /** The size of the group's page: the grid must fit it. */
  pageSize?: { width: number; height: number };
  onCommit: (group: GroupSpec) => void;
}) {
  const g = field.advanced.group ?? groupSchema.parse({});
  const commit = (patch: Partial<GroupSpec>) => onCommit(groupSchema.parse({ ...g, ...patch }));
  const members = groupMembers(fields, field);
  const example = `${field.bindingKey}.name`;
  const over = pageSize ? gridOverflow(field, pageSize) : { right: 0, bottom: 0 };
  return (
    <Group title="Repeating group" open>
      <p className="hint">
        The box is one cell; each item of the list at “{field.bindingKey}” is drawn in a cell of its own, by the member fields.
      </p>
      <div className="prop-grid">
        <NumberProp
          label="Cells across"
          value={g.across}
          min={1}
          max={100}
          step={1}
          onCommit={(across) => across !== undefined && commit({ across: Math.round(across) })}
        />
        <NumberProp
          label="Cells down"
          value={g.down}
          min={1}
          max={100}
          step={1}
          onCommit={(down) => down !== undefined && commit({ down: Math.round(down) })}
        />
        <NumberProp
          label="Gap across (pt)"
          value={g.gapX}
          min={0}
          max={14_400}
          onCommit={(gapX) => gapX !== undefined && commit({ gapX })}
        />
        <NumberProp label="Gap down (pt)" value={g.gapY} min={0} max={14_400} onCommit={(gapY) => gapY !== undefined && commit({ gapY })} />
        <SelectProp
          label="Fill order"
          value={g.order}
          options={
            [
              { value: 'across', label: 'Row by row' },
              { value: 'down', label: 'Column by column' },
            ] as const
          }
          onCommit={(order) => commit({ order })}
        />
        <NumberProp
          label="Max items"
          value={g.maxItems}
          min={1}
          max={100_000}
          step={1}
          optional
          onCommit={(maxItems) => commit({ maxItems: maxItems === undefined ? undefined : Math.round(maxItems) })}
        />
      </div>
      {(over.right > 0 || over.bottom > 0) && (
        <p className="warn" role="alert" data-testid="group-grid-overflow">
          The grid ends{' '}
          {[
            over.right > 0 && `${Math.ceil(over.right)} pt beyond the page’s right edge`,
            over.bottom > 0 && `${Math.ceil(over.bottom)} pt below its bottom`,
          ]
            .filter(Boolean)
            .join(' and ')}
          : use fewer cells, smaller cells or smaller gaps.
        </p>
      )}
      <ContinuationProps
        value={g.continuation}
        pageCount={pageCount}
        fieldBox={{ x: field.position.x, y: field.position.y, width: field.size.width, height: field.size.height }}
        onCommit={(continuation) => commit({ continuation })}
      />
      <p className="hint">
        Items beyond this page’s cells continue on pages added after it; another box there is filled with as many cells as fit.
      </p>
      <h3 className="prop-subtitle">Members</h3>
      {members.length === 0 ? (
        <p className="warn" data-testid="group-no-members">
          No members yet: bind a field to {example} and place it inside the cell.
        </p>
      ) : (
        <>
          <ul className="group-members" aria-label="Members">
            {members.map((m) => (
              <li key={m.key}>
                <strong>{memberKey(field, m)}</strong> ({m.name})
                {!insideCell(field, m) && <span className="warn"> — outside the cell: move it inside</span>}
              </li>
            ))}
          </ul>
          <p className="hint">
            To add one, bind a field to {example} (any key after “{field.bindingKey}.”) and place it inside the cell.
          </p>
        </>
      )}
    </Group>
  );
}

/** On a member's panel: which group draws it, with which key of each item, and whether it lies in the cell. */
export function GroupMembership({ field, fields }: { field: EditorField; fields: readonly EditorField[] }) {
  const g = groupOfField(fields, field);
  if (!g) return null;
  return (
    <p className={insideCell(g, field) ? 'hint' : 'warn'} data-testid="group-membership">
      Member of the repeating group “{g.name}”: drawn once per item, with each item’s “{memberKey(g, field)}”.
      {!insideCell(g, field) && ' It lies outside the group’s cell: move it inside, or generating refuses the template.'}
    </p>
  );
}
