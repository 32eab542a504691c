// Bounds what graphql-js's own validation may cost, before it runs. OverlappingFieldsCanBeMerged
// compares the fields of a selection set pairwise (and their sub-selections recursively): 400
// `product { id }` in one set cost 100-480 ms per unique text. This rule counts fields in linear
// time at the Document node, which every rule visits before any selection set; over a cap it
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
  /** Fields one selection set merges: its own, its inline fragments' and the fragments it spreads. */
  maxFieldsPerSelection: number;
  /** Fields in an operation, a fragment counted each time it is spread. */
  maxFields: number;
}

export interface FieldCounts {
  /** The largest selection set, flattened as OverlappingFieldsCanBeMerged compares it. */
  perSelection: number;
  /** The largest operation, fragments expanded where spread. */
  total: number;
}

/** Linear in the document: fragments memoised; a fragment cycle counts 0 (NoFragmentCyclesRule refuses it). */
export function countFields(document: DocumentNode): FieldCounts {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const memo = (measure: (set: SelectionSetNode) => number) => {
    const done = new Map<string, number>();
    const active = new Set<string>();
    return (name: string): number => {
      const known = done.get(name);
      if (known !== undefined) return known;
      const fragment = fragments.get(name);
      if (!fragment || active.has(name)) return 0;
      active.add(name);
      const value = measure(fragment.selectionSet);
      active.delete(name);
      done.set(name, value);
      return value;
    };
  };
  // Flattened width of one set: each distinct fragment spread in it once.
  const width = (set: SelectionSetNode, spread = new Set<string>()): number => {
    let n = 0;
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) n++;
      else if (s.kind === Kind.INLINE_FRAGMENT) n += width(s.selectionSet, spread);
      else if (!spread.has(s.name.value)) {
        spread.add(s.name.value);
        n += fragmentWidth(s.name.value);
      }
    }
    return n;
  };
  const fragmentWidth = memo((set) => width(set));
  const total = (set: SelectionSetNode): number => {
    let n = 0;
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) n += 1 + (s.selectionSet ? total(s.selectionSet) : 0);
      else if (s.kind === Kind.INLINE_FRAGMENT) n += total(s.selectionSet);
      else n += fragmentTotal(s.name.value);
    }
    return n;
  };
  const fragmentTotal = memo(total);
  // Every selection set written in the document, operations' and fragments' alike.
  let perSelection = 0;
  const everySet = (set: SelectionSetNode): void => {
    perSelection = Math.max(perSelection, width(set));
    for (const s of set.selections) if (s.kind !== Kind.FRAGMENT_SPREAD && s.selectionSet) everySet(s.selectionSet);
  };
  let largest = 0;
  for (const d of document.definitions) {
    if (d.kind !== Kind.OPERATION_DEFINITION && d.kind !== Kind.FRAGMENT_DEFINITION) continue;
    everySet(d.selectionSet);
    if (d.kind === Kind.OPERATION_DEFINITION) largest = Math.max(largest, total(d.selectionSet));
  }
  return { perSelection, total: largest };
}

/** A root selection of a subscription that carries @include or @skip, through fragments. */
function conditionalSubscriptionRoot(document: DocumentNode, context: ValidationContext) {
  for (const d of document.definitions) {
    if (d.kind !== Kind.OPERATION_DEFINITION || d.operation !== 'subscription') continue;
    const seen = new Set<string>();
    const find = (set: SelectionSetNode): { node: typeof set.selections[number] } | null => {
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

export function createDocumentBudgetRule(budget: FieldBudget): ValidationRule {
  return (context: ValidationContext): ASTVisitor => ({
    Document(document) {
      const counts = countFields(document);
      if (counts.perSelection > budget.maxFieldsPerSelection) {
        context.reportError(
          limitError(`a selection set has ${counts.perSelection} fields; at most ${budget.maxFieldsPerSelection} are allowed`, 'fieldsPerSelection', budget.maxFieldsPerSelection, counts.perSelection),
        );
      } else if (counts.total > budget.maxFields) {
        context.reportError(limitError(`an operation has ${counts.total} fields; at most ${budget.maxFields} are allowed`, 'fields', budget.maxFields, counts.total));
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
