/**
 * Reading a packaged CloudFormation template offline: evaluate its Conditions (Fn::Equals / Not /
 * And / Or over literals and parameter defaults — everything this stack's conditions use) and list
 * what a deployment would create, by type and logical id.
 */
export interface CfnResource {
  Type: string;
  Condition?: string;
  DependsOn?: string | string[];
  DeletionPolicy?: string;
  Properties?: Record<string, unknown>;
}

export interface CfnTemplate {
  Parameters?: Record<string, { Default?: unknown; NoEcho?: boolean }>;
  Conditions?: Record<string, unknown>;
  Resources: Record<string, CfnResource>;
  Outputs?: Record<string, { Value: unknown; Condition?: string }>;
}

/** Evaluates one condition expression; parameters take their Default unless given. */
export function evaluateCondition(t: CfnTemplate, expr: unknown, params: Record<string, string> = {}): boolean {
  const value = (v: unknown): string => {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
    if (v && typeof v === 'object' && 'Ref' in v) {
      const name = String((v as { Ref: unknown }).Ref);
      if (name in params) return params[name];
      const p = t.Parameters?.[name];
      if (!p) throw new Error(`Ref to unknown parameter ${name} in a condition`);
      return String(p.Default ?? '');
    }
    throw new Error(`Unsupported value in condition: ${JSON.stringify(v)}`);
  };
  if (expr && typeof expr === 'object') {
    const [fn, arg] = Object.entries(expr)[0] ?? [];
    const args = arg as unknown[];
    switch (fn) {
      case 'Fn::Equals':
        return value(args[0]) === value(args[1]);
      case 'Fn::Not':
        return !evaluateCondition(t, args[0], params);
      case 'Fn::And':
        return args.every((a) => evaluateCondition(t, a, params));
      case 'Fn::Or':
        return args.some((a) => evaluateCondition(t, a, params));
      case 'Condition':
        return conditionIsTrue(t, String(arg), params);
    }
  }
  throw new Error(`Unsupported condition: ${JSON.stringify(expr)}`);
}

export function conditionIsTrue(t: CfnTemplate, name: string, params: Record<string, string> = {}): boolean {
  const expr = t.Conditions?.[name];
  if (expr === undefined) throw new Error(`Unknown condition ${name}`);
  return evaluateCondition(t, expr, params);
}

/** Resources the stack would create (their Condition, if any, holds). */
export function createdResources(t: CfnTemplate, params: Record<string, string> = {}): Record<string, CfnResource> {
  return Object.fromEntries(Object.entries(t.Resources).filter(([, r]) => !r.Condition || conditionIsTrue(t, r.Condition, params)));
}

export function resourcesOfType(t: CfnTemplate, type: string, params: Record<string, string> = {}): [string, CfnResource][] {
  return Object.entries(createdResources(t, params)).filter(([, r]) => r.Type === type);
}

export interface TemplateSummary {
  byType: { type: string; logicalIds: string[] }[];
  skipped: { logicalId: string; type: string; condition: string }[];
  total: number;
}

export function summarizeTemplate(t: CfnTemplate, params: Record<string, string> = {}): TemplateSummary {
  const created = createdResources(t, params);
  const byType = new Map<string, string[]>();
  for (const [id, r] of Object.entries(created)) byType.set(r.Type, [...(byType.get(r.Type) ?? []), id]);
  return {
    byType: [...byType.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([type, logicalIds]) => ({ type, logicalIds: logicalIds.sort() })),
    skipped: Object.entries(t.Resources)
      .filter(([id]) => !(id in created))
      .map(([logicalId, r]) => ({ logicalId, type: r.Type, condition: r.Condition ?? '' })),
    total: Object.keys(created).length,
  };
}

export function formatSummary(s: TemplateSummary, ctx: { stage: string; region: string; outDir: string }): string {
  const lines = [`Dry run: stage ${ctx.stage}, region ${ctx.region} — ${s.total} resources would be created:`];
  for (const { type, logicalIds } of s.byType) {
    lines.push(`  ${type} (${logicalIds.length})`);
    for (const id of logicalIds) lines.push(`      ${id}`);
  }
  if (s.skipped.length) {
    lines.push('Not created for this stage (condition false):');
    for (const k of s.skipped) lines.push(`      ${k.logicalId} (${k.type}; ${k.condition})`);
  }
  lines.push(`CloudFormation template and zips: ${ctx.outDir}`);
  return lines.join('\n');
}

/**
 * A property value as CloudFormation would see it for this stage: Fn::If replaced by the branch
 * its condition selects, and AWS::NoValue entries removed.
 */
export function resolveConditionals(t: CfnTemplate, value: unknown, params: Record<string, string> = {}): unknown {
  const isNoValue = (v: unknown) => !!v && typeof v === 'object' && (v as { Ref?: unknown }).Ref === 'AWS::NoValue';
  if (Array.isArray(value)) {
    return value.map((v) => resolveConditionals(t, v, params)).filter((v) => !isNoValue(v));
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 1 && entries[0][0] === 'Fn::If') {
      const [cond, whenTrue, whenFalse] = entries[0][1] as [string, unknown, unknown];
      return resolveConditionals(t, conditionIsTrue(t, cond, params) ? whenTrue : whenFalse, params);
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of entries) {
      const r = resolveConditionals(t, v, params);
      if (!isNoValue(r)) out[k] = r;
    }
    return out;
  }
  return value;
}
