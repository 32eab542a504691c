// Storefronts send the same few operation texts for every shopper. Parsing and validating each
// subscribe anew kept one AST (tokens, locations) alive per subscription, the largest part of its
// memory; valid documents are kept once per text instead, bounded, oldest dropped first.
import type { DocumentNode } from 'graphql';

export class DocumentCache {
  private readonly documents = new Map<string, DocumentNode>();

  constructor(private readonly maxEntries = 500) {}

  get(query: string): DocumentNode | undefined {
    return this.documents.get(query);
  }

  /** Only documents that parsed and validated belong here. */
  set(query: string, document: DocumentNode): void {
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
