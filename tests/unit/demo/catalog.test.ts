import { validateProducts } from '../../../src/services/catalog';
import { checkId } from '../../../src/events/validate';
import { CATEGORY_LABELS, DEMO_CATALOG, DEMO_CATEGORIES, DEMO_USERS, catalogCsv, catalogJsonl } from '../../../src/demo/catalog';

describe('the demo catalogue', () => {
  it('has about forty products', () => {
    expect(DEMO_CATALOG.length).toBeGreaterThanOrEqual(35);
    expect(DEMO_CATALOG.length).toBeLessThanOrEqual(45);
  });

  it('gives every product a unique id the gateway accepts', () => {
    const ids = DEMO_CATALOG.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(checkId('id', id)).toBe(id);
  });

  it('spreads the products over five or six categories, each with a label and several products', () => {
    expect(DEMO_CATEGORIES.length).toBeGreaterThanOrEqual(5);
    expect(DEMO_CATEGORIES.length).toBeLessThanOrEqual(6);
    for (const category of DEMO_CATEGORIES) {
      expect(CATEGORY_LABELS[category]).toEqual(expect.any(String));
      expect(DEMO_CATALOG.filter((p) => p.category === category).length).toBeGreaterThanOrEqual(5);
    }
    for (const p of DEMO_CATALOG) expect(DEMO_CATEGORIES).toContain(p.category);
  });

  it('prices every product as a positive amount with at most two decimals', () => {
    for (const p of DEMO_CATALOG) {
      expect(p.price).toBeGreaterThan(0);
      expect(p.price).toBeLessThan(1000);
      expect(Math.round(p.price! * 100) / 100).toBe(p.price);
    }
  });

  it('names every product and links no images (the page draws placeholders; nothing external)', () => {
    for (const p of DEMO_CATALOG) {
      expect(p.name.trim().length).toBeGreaterThan(2);
      expect(p.imageUrl).toBeNull();
      expect(p.inStock).toBe(true);
    }
    expect(new Set(DEMO_CATALOG.map((p) => p.name)).size).toBe(DEMO_CATALOG.length);
  });

  it('passes the same validation as the upsertProducts mutation, unchanged', () => {
    expect(validateProducts([...DEMO_CATALOG], 'products')).toEqual(DEMO_CATALOG);
  });

  it('cannot be changed by whoever imports it', () => {
    expect(Object.isFrozen(DEMO_CATALOG)).toBe(true);
    expect(Object.isFrozen(DEMO_CATALOG[0])).toBe(true);
  });

  it('offers a few demo users with distinct valid ids', () => {
    const ids = DEMO_USERS.map((u) => u.id);
    expect(ids.length).toBeGreaterThanOrEqual(3);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(checkId('userId', id)).toBe(id);
  });

  it('writes itself as JSON lines, one product per line, that read back equal', () => {
    const lines = catalogJsonl().trimEnd().split('\n');
    expect(lines).toHaveLength(DEMO_CATALOG.length);
    expect(lines.map((l) => JSON.parse(l))).toEqual(DEMO_CATALOG);
  });

  it('writes itself as CSV with a header, quoting fields that hold commas or quotes', () => {
    const csv = catalogCsv([
      { id: 'a', name: 'Plain', category: 'x', price: 1.5, inStock: true, imageUrl: null },
      { id: 'b', name: 'Beans, 1 kg "dark"', category: null, price: null, inStock: false, imageUrl: null },
    ]);
    expect(csv).toBe('id,name,category,price,inStock,imageUrl\na,Plain,x,1.5,true,\nb,"Beans, 1 kg ""dark""",,,false,\n');
    expect(catalogCsv().trimEnd().split('\n')).toHaveLength(DEMO_CATALOG.length + 1);
  });
});
