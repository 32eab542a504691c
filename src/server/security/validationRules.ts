// Depth and alias limits as graphql-js validation rules. Apollo runs them for HTTP (its
// `validationRules`); the websocket's onSubscribe runs the very same list (./wsGuard.ts).
//
// Fragments are expanded where they are spread, each fragment measured once (memoised), so a
// document cannot hide depth or aliases in fragments and measuring stays linear. Nothing is
// exempt because of a *name*: an operation, fragment or alias called `__schema` counts like any
// other (the graphql-armor bypass, GHSA-hmfr-rx46-4jx2 / GHSA-224p-v68g-5g8f). Only a real
// `__schema` / `__type` field at the root of an operation gets the introspection bound, and
// only where introspection is allowed at all (never in production).
import {
  Kind,
  type ASTVisitor,
  type FieldNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { createDocumentBudgetRule, type FieldBudget, type KnownRefusals } from './documentBudget';
import { limitError } from './errors';

/** Apollo Sandbox's and codegen's introspection query nests ~15 levels (typeDepth 9 of `ofType`). */
export const INTROSPECTION_MAX_DEPTH = 20;
const INTROSPECTION_ROOT_FIELDS = new Set(['__schema', '__type']);

export interface DocumentLimits extends FieldBudget {
  maxDepth: number;
  maxAliases: number;
  /** Introspection allowed (development): real introspection root fields get INTROSPECTION_MAX_DEPTH. */
  introspection: boolean;
}

const operationLabel = (op: OperationDefinitionNode) => (op.name ? `operation "${op.name.value}"` : `the ${op.operation}`);

/** Memoised per-fragment measures; a fragment cycle counts 0 (NoFragmentCyclesRule refuses the document anyway). */
function fragmentMeasure(context: ValidationContext, measure: (set: SelectionSetNode) => number) {
  const done = new Map<string, number>();
  const active = new Set<string>();
  return (name: string): number => {
    const known = done.get(name);
    if (known !== undefined) return known;
    const fragment = context.getFragment(name);
    if (!fragment || active.has(name)) return 0;
    active.add(name);
    const value = measure(fragment.selectionSet);
    active.delete(name);
    done.set(name, value);
    return value;
  };
}

/** The fields at the root of an operation, through inline fragments and fragment spreads. */
function rootFields(context: ValidationContext, set: SelectionSetNode, seen = new Set<string>(), out: FieldNode[] = []): FieldNode[] {
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) out.push(selection);
    else if (selection.kind === Kind.INLINE_FRAGMENT) rootFields(context, selection.selectionSet, seen, out);
    else if (!seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      const fragment = context.getFragment(selection.name.value);
      if (fragment) rootFields(context, fragment.selectionSet, seen, out);
    }
  }
  return out;
}

/** Nesting depth: a root field with scalar children is depth 2 (`{ trending { score } }`). */
export function createMaxDepthRule(limits: DocumentLimits): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const depthOf = (set: SelectionSetNode): number => {
      let deepest = 0;
      for (const selection of set.selections) {
        const depth =
          selection.kind === Kind.FIELD
            ? 1 + (selection.selectionSet ? depthOf(selection.selectionSet) : 0)
            : selection.kind === Kind.INLINE_FRAGMENT
              ? depthOf(selection.selectionSet)
              : fragmentDepth(selection.name.value);
        if (depth > deepest) deepest = depth;
      }
      return deepest;
    };
    const fragmentDepth = fragmentMeasure(context, depthOf);
    return {
      OperationDefinition(operation) {
        let worst: { depth: number; max: number; field: FieldNode } | null = null;
        for (const field of rootFields(context, operation.selectionSet)) {
          const introspection = limits.introspection && INTROSPECTION_ROOT_FIELDS.has(field.name.value);
          const max = introspection ? Math.max(limits.maxDepth, INTROSPECTION_MAX_DEPTH) : limits.maxDepth;
          const depth = 1 + (field.selectionSet ? depthOf(field.selectionSet) : 0);
          if (depth > max && (!worst || depth - max > worst.depth - worst.max)) worst = { depth, max, field };
        }
        if (worst) {
          context.reportError(
            limitError(
              `${operationLabel(operation)} is ${worst.depth} levels deep; at most ${worst.max} are allowed`,
              'depth',
              worst.max,
              worst.depth,
              worst.field,
            ),
          );
        }
        return false;
      },
    };
  };
}

/** Aliased fields per operation, counting a fragment's aliases each time it is spread. */
export function createMaxAliasesRule(limits: DocumentLimits): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const aliasesIn = (set: SelectionSetNode): number => {
      let count = 0;
      for (const selection of set.selections) {
        if (selection.kind === Kind.FIELD) {
          if (selection.alias) count++;
          if (selection.selectionSet) count += aliasesIn(selection.selectionSet);
        } else if (selection.kind === Kind.INLINE_FRAGMENT) count += aliasesIn(selection.selectionSet);
        else count += fragmentAliases(selection.name.value);
      }
      return count;
    };
    const fragmentAliases = fragmentMeasure(context, aliasesIn);
    return {
      OperationDefinition(operation) {
        const count = aliasesIn(operation.selectionSet);
        if (count > limits.maxAliases) {
          context.reportError(
            limitError(
              `${operationLabel(operation)} uses ${count} aliases; at most ${limits.maxAliases} are allowed`,
              'aliases',
              limits.maxAliases,
              count,
              operation,
            ),
          );
        }
        return false;
      },
    };
  };
}

/** The gateway's own rules, added to graphql-js's specified rules on both transports (the budget stops the others when over). */
export function securityValidationRules(limits: DocumentLimits, refusals?: KnownRefusals): ValidationRule[] {
  return [createDocumentBudgetRule(limits, refusals), createMaxDepthRule(limits), createMaxAliasesRule(limits)];
}

export function documentLimitsOf(
  security: Pick<DocumentLimits, 'maxDepth' | 'maxAliases' | 'maxFields' | 'maxFieldsPerSelection'>,
  introspection: boolean,
): DocumentLimits {
  const { maxDepth, maxAliases, maxFields, maxFieldsPerSelection } = security;
  return { maxDepth, maxAliases, maxFields, maxFieldsPerSelection, introspection };
}
