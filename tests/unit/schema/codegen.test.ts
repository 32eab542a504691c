// src/generated/ is committed; it must be what codegen makes from schema.graphql and operations/.
import { checkCodegen } from '../../../scripts/codegen-check';
import { RecommendationsDocument, TrendingDocument } from '../../../src/generated/graphql';
import { Kind, type OperationDefinitionNode } from 'graphql';

describe('the generated operation types', () => {
  it('are what a fresh codegen run produces (otherwise run `npm run codegen`)', () => {
    const { stale } = checkCodegen();
    if (stale.length > 0) {
      throw new Error(
        `stale generated files; run \`npm run codegen\` (after \`npm run schema:emit\` if the schema changed):\n${stale.map((s) => `  ${s.file}: ${s.detail}`).join('\n')}`,
      );
    }
  }, 30_000);

  it('export one typed document per contract operation, under its operation name', () => {
    const name = (doc: { definitions: readonly unknown[] }) => (doc.definitions[0] as OperationDefinitionNode).name?.value;
    expect((RecommendationsDocument.definitions[0] as OperationDefinitionNode).kind).toBe(Kind.OPERATION_DEFINITION);
    expect(name(RecommendationsDocument)).toBe('Recommendations');
    expect(name(TrendingDocument)).toBe('Trending');
  });
});
