// Validation of catalogue writes, shared by the upsertProducts mutation and the importer.
import { InvalidInputError } from '../errors';
import { checkId } from '../events/validate';
import type { Product } from '../store/types';

export interface ProductFields {
  id?: unknown;
  name?: unknown;
  category?: unknown;
  price?: unknown;
  inStock?: unknown;
  imageUrl?: unknown;
}

function optionalText(field: string, value: unknown, max: number): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string' || value.length > max) throw new InvalidInputError(field, `must be text of at most ${max} characters`);
  return value;
}

export function validateProduct(raw: ProductFields, path: string): Product {
  const name = optionalText(`${path}.name`, raw.name, 300);
  if (!name) throw new InvalidInputError(`${path}.name`, 'must be a non-empty name');
  const price = raw.price;
  if (price !== undefined && price !== null && (typeof price !== 'number' || !Number.isFinite(price) || price < 0)) {
    throw new InvalidInputError(`${path}.price`, `must be a number of at least 0, got ${JSON.stringify(price)}`);
  }
  if (raw.inStock !== undefined && raw.inStock !== null && typeof raw.inStock !== 'boolean') {
    throw new InvalidInputError(`${path}.inStock`, 'must be true or false');
  }
  const imageUrl = optionalText(`${path}.imageUrl`, raw.imageUrl, 2000);
  if (imageUrl && !/^(https?:\/\/|\/)/.test(imageUrl)) throw new InvalidInputError(`${path}.imageUrl`, 'must be an http(s) URL or a path');
  return {
    id: checkId(`${path}.id`, raw.id),
    name,
    category: raw.category === undefined || raw.category === null ? null : checkId(`${path}.category`, raw.category),
    price: price ?? null,
    inStock: raw.inStock ?? true,
    imageUrl,
  };
}

/** All or nothing: one bad product refuses the whole call, naming it. */
export function validateProducts(list: ProductFields[], path: string): Product[] {
  return list.map((p, i) => validateProduct(p, `${path}[${i}]`));
}
