// Bounds what graphql-js's own validation may cost, before it runs. OverlappingFieldsCanBeMerged
// compares the fields of a selection set pairwise (and their sub-selections recursively): 400
// `product { id }` in one set cost 100-480 ms per unique text. This rule counts fields (at most
// maxFields of them) at the Document node, which every rule visits before any selection set; over a cap it
// reports the limit and returns null, which ends graphql-js's visit of the document, so no other
// rule looks at it. It also refuses, the same way, a subscription whose root selection carries
// @include/@skip: graphql-js's SingleFieldSubscriptionsRule throws on a variable there (HTTP 500,
// close 4500) and subscribe() throws on a skipped root field.
import {
  GraphQLError,
  Kind,
  type ASTVisitor,
  type DocumentNode,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { limitError, RequestErrorCode } from './errors';

export interface FieldBudget {
  /** Fields in one merged selection set (see countFields). */
  maxFieldsPerSelection: number;
  /** Fields in the document, a fragment counted where it is defined and each time it is spread. */
  maxFields: number;
  /** Introspection allowed (development): an introspection-only document may have INTROSPECTION_MAX_FIELDS. */
  introspection: boolean;
}

/** Apollo Sandbox's and graphql-js's introspection query have ~450 fields counted this way. */
export const INTROSPECTION_MAX_FIELDS = 1000;

const isIntrospectionOnly = (document: DocumentNode) =>
  document.definitions.every(
    (d) =>
      d.kind !== Kind.OPERATION_DEFINITION ||
      d.selectionSet.selections.every(
        (s) => s.kind === Kind.FIELD && (s.name.value === '__schema' || s.name.value === '__type' || s.name.value === '__typename'),
      ),
  );

export interface FieldCounts {
  /** The widest merged selection set. */
  perSelection: number;
  /** Every definition's fields, fragments expanded where spread (counting stops a little past `stopAfter`). */
  total: number;
}

/**
 * OverlappingFieldsCanBeMerged compares every two fields with the same response name in a
 * selection set, then, for each such pair, their sub-selections: so the fields it may compare with
 * one another are those of a *merged* set, where the sub-selections of same-named fields are one
 * set (3 `trending { product { id } ×49 }` make one merged set of 147 `product` fields, 10,731
 * pairs). A merged set of at most `maxFieldsPerSelection` fields bounds its pairs, and the total
 * bounds the number of sets. Fragments and inline fragments are expanded where spread, so the walk
 * stops as soon as the total passes `stopAfter` (fragment fan-outs and cycles included).
 */
export function countFields(document: DocumentNode, stopAfter = Number.MAX_SAFE_INTEGER): FieldCounts {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  let total = 0;
  let widest = 0;
  const walk = (sets: readonly SelectionSetNode[]): void => {
    const merged = new Map<string, SelectionSetNode[]>(); // response name -> its fields' sub-selections
    const expanding = new Set<string>();
    let width = 0;
    const collect = (set: SelectionSetNode): void => {
      for (const s of set.selections) {
        if (total > stopAfter) return;
        if (s.kind === Kind.FIELD) {
          width++;
          total++;
          if (s.selectionSet) {
            const name = s.alias?.value ?? s.name.value;
            const children = merged.get(name);
            if (children) children.push(s.selectionSet);
            else merged.set(name, [s.selectionSet]);
          }
        } else if (s.kind === Kind.INLINE_FRAGMENT) collect(s.selectionSet);
        else {
          const fragment = fragments.get(s.name.value);
          if (!fragment || expanding.has(s.name.value)) continue; // unknown or cyclic: other rules refuse it
          expanding.add(s.name.value);
          collect(fragment.selectionSet);
          expanding.delete(s.name.value);
        }
      }
    };
    for (const set of sets) collect(set);
    widest = Math.max(widest, width);
    for (const children of merged.values()) {
      if (total > stopAfter) return;
      walk(children);
    }
  };
  for (const d of document.definitions) {
    if (total > stopAfter) break;
    if (d.kind === Kind.OPERATION_DEFINITION || d.kind === Kind.FRAGMENT_DEFINITION) walk([d.selectionSet]);
  }
  return { perSelection: widest, total };
}

/** A root selection of a subscription that carries @include or @skip, through fragments. */
function conditionalSubscriptionRoot(document: DocumentNode, context: ValidationContext) {
  for (const d of document.definitions) {
    if (d.kind !== Kind.OPERATION_DEFINITION || d.operation !== 'subscription') continue;
    const seen = new Set<string>();
    const find = (set: SelectionSetNode): { node: (typeof set.selections)[number] } | null => {
      for (const s of set.selections) {
        if (s.directives?.some((x) => x.name.value === 'include' || x.name.value === 'skip')) return { node: s };
        if (s.kind === Kind.INLINE_FRAGMENT) {
          const found = find(s.selectionSet);
          if (found) return found;
        } else if (s.kind === Kind.FRAGMENT_SPREAD && !seen.has(s.name.value)) {
          seen.add(s.name.value);
          const fragment = context.getFragment(s.name.value);
          const found = fragment ? find(fragment.selectionSet) : null;
          if (found) return found;
        }
      }
      return null;
    };
    const found = find(d.selectionSet);
    if (found) return { operation: d, node: found.node };
  }
  return null;
}

/** Where earlier refusals are remembered per document text (HTTP; the websocket keeps its own). */
export interface KnownRefusals {
  get(text: string): DocumentNode | readonly GraphQLError[] | undefined;
}

export function createDocumentBudgetRule(budget: FieldBudget, refusals?: KnownRefusals): ValidationRule {
  return (context: ValidationContext): ASTVisitor => ({
    Document(document) {
      const known = document.loc ? refusals?.get(document.loc.source.body) : undefined;
      if (Array.isArray(known)) {
        // Refused before: the same errors again, without validating the text a second time.
        for (const error of known as readonly GraphQLError[]) context.reportError(error);
        return null;
      }
      const maxFields = budget.introspection && isIntrospectionOnly(document) ? Math.max(budget.maxFields, INTROSPECTION_MAX_FIELDS) : budget.maxFields;
      const counts = countFields(document, maxFields);
      if (counts.total > maxFields) {
        // The count stopped just past the cap: say "more than", not a number it did not finish.
        context.reportError(
          limitError(
            `the document has more than ${maxFields} fields (fragments counted where spread); at most ${maxFields} are allowed`,
            'fields',
            maxFields,
            null,
          ),
        );
      } else if (counts.perSelection > budget.maxFieldsPerSelection) {
        context.reportError(
          limitError(
            `a selection set has ${counts.perSelection} fields (same-named fields' selections merged, fragments included); at most ${budget.maxFieldsPerSelection} are allowed`,
            'fieldsPerSelection',
            budget.maxFieldsPerSelection,
            counts.perSelection,
          ),
        );
      } else {
        const conditional = conditionalSubscriptionRoot(document, context);
        if (!conditional) return undefined;
        context.reportError(
          new GraphQLError('a subscription cannot choose its root field with @include or @skip; subscribe without the directive', {
            nodes: conditional.node,
            extensions: { code: RequestErrorCode.VALIDATION_FAILED, http: { status: 400 } },
          }),
        );
      }
      return null; // ends the visit: no other rule runs on this document
    },
  });
}
