/**
 * Offline structural check of a CloudFormation template against the CloudFormation resource
 * specification shipped in @aws-cdk/aws-service-spec (the database the AWS CDK generates its L1
 * classes from). It catches what would otherwise only fail at deploy time: unknown resource
 * types, misspelt or misplaced properties (at any depth), missing required properties, and
 * Ref / Fn::GetAtt / Fn::Sub / Condition / DependsOn targets that do not exist.
 * Written here because cfn-lint (Python) is not reachable from this workplace's registries.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { CfnTemplate } from './template.js';

interface SpecType {
  type: string;
  element?: SpecType;
  types?: SpecType[];
  reference?: { $ref: string };
}
interface SpecProperty {
  type: SpecType;
  previousTypes?: SpecType[];
  required?: boolean;
}
interface SpecShape {
  properties: Record<string, SpecProperty>;
}
interface SpecResource extends SpecShape {
  cloudFormationType: string;
  attributes: Record<string, unknown>;
}

export interface CfnSpec {
  resources: Map<string, SpecResource>;
  types: Map<string, SpecShape>;
}

let cached: CfnSpec | undefined;

export function loadCfnSpec(): CfnSpec {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const file = path.join(path.dirname(require.resolve('@aws-cdk/aws-service-spec/package.json')), 'db.json.gz');
  const db = JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as {
    schema: {
      resource: { entities: Record<string, SpecResource> };
      typeDefinition: { entities: Record<string, SpecShape & { $id: string }> };
    };
  };
  const resources = new Map(Object.values(db.schema.resource.entities).map((r) => [r.cloudFormationType, r]));
  const types = new Map(Object.values(db.schema.typeDefinition.entities).map((t) => [t.$id, t]));
  cached = { resources, types };
  return cached;
}

const PSEUDO = new Set([
  'AWS::AccountId',
  'AWS::NotificationARNs',
  'AWS::NoValue',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
]);

const isIntrinsic = (v: unknown): boolean => {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return false;
  const keys = Object.keys(v);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0] === 'Condition' || keys[0].startsWith('Fn::'));
};

/** All problems found; empty when the template passes. */
export function checkTemplateAgainstSpec(t: CfnTemplate, spec: CfnSpec = loadCfnSpec()): string[] {
  const problems: string[] = [];
  const names = new Set([...Object.keys(t.Resources), ...Object.keys(t.Parameters ?? {}), ...PSEUDO]);
  const conditions = new Set(Object.keys(t.Conditions ?? {}));

  // Shapes a spec type allows for an object value (refs to type definitions, through unions).
  const shapesOf = (st: SpecType): SpecShape[] => {
    if (st.type === 'ref' && st.reference) return [spec.types.get(st.reference.$ref)].filter((x): x is SpecShape => !!x);
    if (st.type === 'union') return (st.types ?? []).flatMap(shapesOf);
    return [];
  };
  const elementsOf = (st: SpecType): SpecType[] =>
    st.type === 'array' || st.type === 'map' ? [st.element!] : st.type === 'union' ? (st.types ?? []).flatMap(elementsOf) : [];
  const freeForm = (st: SpecType): boolean =>
    st.type === 'json' || st.type === 'tag' || (st.type === 'union' && (st.types ?? []).some(freeForm));

  const checkValue = (where: string, value: unknown, types: SpecType[]): void => {
    if (value === null || typeof value !== 'object' || isIntrinsic(value) || types.some(freeForm)) return;
    if (Array.isArray(value)) {
      const el = types.flatMap(elementsOf);
      if (el.length) value.forEach((v, i) => checkValue(`${where}[${i}]`, v, el));
      return;
    }
    if (types.some((x) => x.type === 'map')) {
      const el = types.flatMap(elementsOf);
      for (const [k, v] of Object.entries(value)) checkValue(`${where}.${k}`, v, el);
      return;
    }
    const shapes = types.flatMap(shapesOf);
    if (shapes.length) checkShape(where, value as Record<string, unknown>, shapes);
  };
  const checkShape = (where: string, obj: Record<string, unknown>, shapes: SpecShape[]): void => {
    const shape = shapes.find((s) => Object.keys(obj).every((k) => k in s.properties)) ?? shapes[0];
    for (const [k, v] of Object.entries(obj)) {
      const prop = shape.properties[k];
      if (!prop) {
        problems.push(`${where}: unknown property ${k}`);
        continue;
      }
      checkValue(`${where}.${k}`, v, [prop.type, ...(prop.previousTypes ?? [])]);
    }
    for (const [k, p] of Object.entries(shape.properties)) {
      if (p.required && !(k in obj)) problems.push(`${where}: missing required property ${k}`);
    }
  };

  // References anywhere in the template.
  const checkRefs = (where: string, v: unknown): void => {
    if (Array.isArray(v)) return v.forEach((x, i) => checkRefs(`${where}[${i}]`, x));
    if (!v || typeof v !== 'object') return;
    for (const [k, x] of Object.entries(v)) {
      if (k === 'Ref' && typeof x === 'string' && !names.has(x)) problems.push(`${where}: Ref to unknown ${x}`);
      if (k === 'Fn::GetAtt') {
        const [id, attr] = (typeof x === 'string' ? x.split(/\.(.*)/) : x) as [string, string];
        const target = t.Resources[id];
        if (!target) problems.push(`${where}: GetAtt of unknown ${id}`);
        else if (spec.resources.get(target.Type) && !(attr in spec.resources.get(target.Type)!.attributes)) {
          problems.push(`${where}: ${target.Type} has no attribute ${attr}`);
        }
      }
      if (k === 'Fn::Sub') {
        const [text, vars] = (typeof x === 'string' ? [x, {}] : x) as [string, Record<string, unknown>];
        for (const m of text.matchAll(/\$\{([^}!]+)\}/g)) {
          const [id] = m[1].split('.');
          if (!names.has(m[1]) && !names.has(id) && !(id in vars)) problems.push(`${where}: Sub references unknown ${m[1]}`);
        }
      }
      if (
        (k === 'Fn::If' && Array.isArray(x) && !conditions.has(String(x[0]))) ||
        (k === 'Condition' && typeof x === 'string' && !conditions.has(x))
      ) {
        problems.push(`${where}: unknown condition ${Array.isArray(x) ? x[0] : x}`);
      }
      checkRefs(`${where}.${k}`, x);
    }
  };

  for (const [id, r] of Object.entries(t.Resources)) {
    const rs = spec.resources.get(r.Type);
    if (!rs) {
      problems.push(`${id}: unknown resource type ${r.Type}`);
      continue;
    }
    checkShape(id, r.Properties ?? {}, [rs]);
    if (r.Condition && !conditions.has(r.Condition)) problems.push(`${id}: unknown condition ${r.Condition}`);
    for (const d of r.DependsOn === undefined ? [] : Array.isArray(r.DependsOn) ? r.DependsOn : [r.DependsOn]) {
      if (!t.Resources[d]) problems.push(`${id}: DependsOn unknown ${d}`);
    }
    for (const policy of ['DeletionPolicy', 'UpdateReplacePolicy'] as const) {
      const value = (r as unknown as Record<string, unknown>)[policy];
      if (value !== undefined && !['Delete', 'Retain', 'Snapshot', 'RetainExceptOnCreate'].includes(String(value)))
        problems.push(`${id}: bad ${policy} ${String(value)}`);
    }
    checkRefs(id, r.Properties);
  }
  checkRefs('Outputs', t.Outputs);
  checkRefs('Conditions', t.Conditions);
  return problems;
}
