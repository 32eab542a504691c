// The page and the simulator send only the storefront contract's operations, generated from it unchanged.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, validate } from 'graphql';
import { buildGatewaySchema } from '../../../src/gatewaySchema';
import { STOREFRONT_OPERATIONS as DEMO_OPERATIONS } from '../../../src/demo/operations';

const CONTRACT = path.resolve(__dirname, '../../../operations/storefront.graphql');

describe('the demo operations', () => {
  const contract = readFileSync(CONTRACT, 'utf8');

  it.each(Object.entries(DEMO_OPERATIONS))('include %s exactly as the contract writes it', (name, source) => {
    expect(source).toMatch(new RegExp(`^(query|mutation|subscription) ${name}\\b`));
    expect(contract).toContain(source);
  });

  it('validate against the schema the gateway builds', () => {
    const schema = buildGatewaySchema();
    for (const source of Object.values(DEMO_OPERATIONS)) expect(validate(schema, parse(source))).toEqual([]);
  });
});
