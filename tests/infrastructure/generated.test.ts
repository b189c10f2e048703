import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { tableDefinitions } from '@/shared/database/ddb/tables.js';
import { REPO_ROOT, renderGeneratedInfra, staleGeneratedInfra } from '../../scripts/generate-infra.js';

describe('generated CloudFormation files', () => {
  it('are committed exactly as scripts/generate-infra.ts produces them from the code (run npm run infra:generate)', async () => {
    expect(await staleGeneratedInfra()).toEqual([]);
  });

  it('dynamodb.yml carries every table, key and index of tables.ts (stage left to serverless)', async () => {
    const doc = parse(await readFile(path.join(REPO_ROOT, 'infrastructure/resources/dynamodb.yml'), 'utf8')) as {
      Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
    };
    const tables = Object.values(doc.Resources).filter((r) => r.Type === 'AWS::DynamoDB::Table');
    const defs = Object.values(tableDefinitions('${sls:stage}'));
    expect(tables.map((t) => t.Properties.TableName).sort()).toEqual(defs.map((d) => d.create.TableName).sort());
    for (const d of defs) {
      const t = tables.find((x) => x.Properties.TableName === d.create.TableName)!;
      expect(t.Properties.KeySchema).toEqual(d.create.KeySchema);
      expect(t.Properties.AttributeDefinitions).toEqual(d.create.AttributeDefinitions);
      expect((t.Properties.GlobalSecondaryIndexes as { IndexName: string }[]).map((g) => g.IndexName)).toEqual(d.create.GlobalSecondaryIndexes?.map((g) => g.IndexName));
    }
  });

  it('the rendered files differ when the table definitions differ (the drift check can fail)', () => {
    const rendered = renderGeneratedInfra()['infrastructure/resources/dynamodb.yml'];
    expect(rendered).toContain('IndexName: TemplateIdIndex');
    expect(rendered.replace('TemplateIdIndex', 'OtherIndex')).not.toBe(rendered);
  });
});
