// schema.graphql is what codegen and reviewers read; it must be exactly what the code builds.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildSchema, findBreakingChanges, findDangerousChanges } from 'graphql';
import { printGatewaySchema, SCHEMA_FILE } from '../../../scripts/emit-schema';
import { buildGatewaySchema } from '../../../src/gatewaySchema';

describe('the committed schema.graphql', () => {
  it('is exactly the SDL the code builds (otherwise run `npm run schema:emit`)', () => {
    const committed = readFileSync(SCHEMA_FILE, 'utf8');
    if (committed !== printGatewaySchema()) {
      const fromFile = buildSchema(committed);
      const changes = [...findBreakingChanges(fromFile, buildGatewaySchema()), ...findDangerousChanges(fromFile, buildGatewaySchema())]
        .map((c) => `  ${c.type}: ${c.description}`)
        .join('\n');
      throw new Error(
        `schema.graphql is out of date with the code. Run \`npm run schema:emit\` and commit the result.\n${changes || '  (descriptions, order or added types differ)'}`,
      );
    }
  });

  it('prints types and fields in alphabetical order, so the file changes only when the schema does', () => {
    const types = [...printGatewaySchema().matchAll(/^(?:type|input|enum|scalar) (\w+)/gm)].map((m) => m[1]!);
    expect(types).toEqual([...types].sort());
  });

  it('is emitted the same under tsx, which gives type-graphql no decorator metadata', () => {
    // esbuild (tsx) emits no design:type metadata: every @Field/@Arg must name its type, `@Field(() => String)`.
    const root = path.resolve(__dirname, '../../..');
    const run = spawnSync(path.join(root, 'node_modules/.bin/tsx'), ['scripts/emit-schema.ts', '--stdout'], { cwd: root, encoding: 'utf8' });
    if (run.status !== 0) {
      const cause = /NoExplicitTypeError: (.*)/.exec(run.stderr)?.[1] ?? run.stderr.slice(0, 2000);
      throw new Error(`npm run schema:emit fails under tsx: ${cause}`);
    }
    expect(run.stdout).toBe(printGatewaySchema());
  }, 30_000);
});
