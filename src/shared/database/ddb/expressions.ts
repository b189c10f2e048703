/**
 * Expression building for DynamoDB. Every attribute name goes through ExpressionAttributeNames,
 * so reserved words (status, name, type, size, position, …) never need special care, and every
 * value through ExpressionAttributeValues. One context per request allocates the placeholders, so
 * a condition and an update expression combined in one request can never collide.
 */

export type AttributeValueLike = unknown;

export class ExpressionContext {
  private readonly nameIds = new Map<string, string>();
  private readonly names: Record<string, string> = {};
  private readonly values: Record<string, unknown> = {};
  private valueCount = 0;

  /** `#nN` for one attribute name (reused when the same name appears twice). */
  name(attribute: string): string {
    let id = this.nameIds.get(attribute);
    if (!id) {
      id = `#n${this.nameIds.size}`;
      this.nameIds.set(attribute, id);
      this.names[id] = attribute;
    }
    return id;
  }

  /** A document path: `layout.layerOrder` → `#n1.#n2`. */
  path(path: string): string {
    return path
      .split('.')
      .map((part) => this.name(part))
      .join('.');
  }

  value(value: unknown): string {
    const id = `:v${this.valueCount++}`;
    this.values[id] = value;
    return id;
  }

  /** The request parameters; empty maps are omitted (DynamoDB rejects them). */
  params(): { ExpressionAttributeNames?: Record<string, string>; ExpressionAttributeValues?: Record<string, unknown> } {
    return {
      ...(this.nameIds.size ? { ExpressionAttributeNames: this.names } : {}),
      ...(this.valueCount ? { ExpressionAttributeValues: this.values } : {}),
    };
  }
}

/** A condition or filter, rendered against the request's context. */
export type Condition = (ctx: ExpressionContext) => string;

/** True if `expr` has an OR outside any parentheses (it then needs them inside an AND). */
function hasTopLevelOr(expr: string): boolean {
  let depth = 0;
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (depth === 0 && expr.startsWith(' OR ', i)) return true;
  }
  return false;
}

/**
 * Condition builders. Parentheses only where precedence needs them (an OR inside an AND):
 * DynamoDB refuses "redundant parentheses" such as `((a))`, which naive nesting would produce.
 */
export const cond = {
  exists:
    (path: string): Condition =>
    (ctx) =>
      `attribute_exists(${ctx.path(path)})`,
  notExists:
    (path: string): Condition =>
    (ctx) =>
      `attribute_not_exists(${ctx.path(path)})`,
  eq:
    (path: string, value: unknown): Condition =>
    (ctx) =>
      `${ctx.path(path)} = ${ctx.value(value)}`,
  ne:
    (path: string, value: unknown): Condition =>
    (ctx) =>
      `${ctx.path(path)} <> ${ctx.value(value)}`,
  and:
    (...conditions: (Condition | undefined)[]): Condition =>
    (ctx) =>
      conditions
        .filter((c): c is Condition => Boolean(c))
        .map((c) => c(ctx))
        .map((expr) => (hasTopLevelOr(expr) ? `(${expr})` : expr))
        .join(' AND '),
  // AND binds tighter than OR, so the parts of an OR never need parentheses.
  or:
    (...conditions: Condition[]): Condition =>
    (ctx) =>
      conditions.map((c) => c(ctx)).join(' OR '),
};

/** Combines optional conditions; undefined when there is none. */
export function allOf(...conditions: (Condition | undefined)[]): Condition | undefined {
  const present = conditions.filter((c): c is Condition => Boolean(c));
  if (present.length === 0) return undefined;
  if (present.length === 1) return present[0];
  return cond.and(...present);
}

export interface UpdateOptions {
  /** Attributes that may never be changed by an update (the table key). */
  immutable?: readonly string[];
}

/**
 * `SET`/`REMOVE` from a partial object:
 * - `undefined` values are skipped (a partial object simply does not mention them);
 * - `null` removes the attribute (how a client clears an optional property);
 * - any other value is SET whole: a nested map such as `style` is replaced, not merged (callers
 *   that want a merge read-modify-write, see the fields repository);
 * - a key containing dots is a document path (`layout.layerOrder`) and sets only that member.
 */
export function buildUpdateExpression(ctx: ExpressionContext, changes: Record<string, unknown>, options: UpdateOptions = {}): string {
  const set: string[] = [];
  const remove: string[] = [];
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) continue;
    const top = key.split('.')[0];
    if (options.immutable?.includes(top)) throw new Error(`attribute ${top} cannot be updated`);
    if (value === null) remove.push(ctx.path(key));
    else set.push(`${ctx.path(key)} = ${ctx.value(value)}`);
  }
  if (set.length === 0 && remove.length === 0) throw new Error('update with nothing to change');
  return [set.length ? `SET ${set.join(', ')}` : '', remove.length ? `REMOVE ${remove.join(', ')}` : ''].filter(Boolean).join(' ');
}
