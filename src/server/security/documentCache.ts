// Storefronts send the same few operation texts for every shopper. Parsing and validating each
// subscribe anew kept one AST (tokens, locations) alive per subscription, the largest part of its
// memory; documents are kept once per text instead, bounded, oldest dropped first. A refused text
// keeps its errors, so sending it again costs a lookup, not another validation.
import type { DocumentNode, GraphQLError } from 'graphql';

type Outcome = DocumentNode | readonly GraphQLError[];
/** Longer texts are validated each time (the caps keep that cheap) rather than held. */
const MAX_CACHED_TEXT = 16 * 1024;

export class DocumentCache {
  private readonly documents = new Map<string, Outcome>();

  constructor(private readonly maxEntries = 500) {}

  get(query: string): Outcome | undefined {
    return this.documents.get(query);
  }

  /** A document that parsed and validated, or the errors that refused the text. */
  set(query: string, document: Outcome): void {
    if (query.length > MAX_CACHED_TEXT) return; // storefront operations are under 1 KB; padding is not worth memory
    if (this.documents.size >= this.maxEntries) {
      const oldest = this.documents.keys().next().value;
      if (oldest !== undefined) this.documents.delete(oldest);
    }
    this.documents.set(query, document);
  }

  get size(): number {
    return this.documents.size;
  }
}
