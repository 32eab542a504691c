// The demo catalogue: made up by the project for the storefront page, the simulator and the
// embedded mode (loaded at start so a newcomer sees names, not bare ids). No images: the page
// draws a placeholder per category. Plain data, no I/O, safe to bundle into the browser page.
import type { Product } from '../store/types';

export const DEMO_CATEGORIES = ['coffee', 'kitchen', 'outdoor', 'books', 'audio', 'home'] as const;
export type DemoCategory = (typeof DEMO_CATEGORIES)[number];

/** Display names of the categories (the ids above are what the gateway stores). */
export const CATEGORY_LABELS: Record<DemoCategory, string> = {
  coffee: 'Coffee',
  kitchen: 'Kitchen',
  outdoor: 'Outdoor',
  books: 'Books',
  audio: 'Audio',
  home: 'Home',
};

type Row = [id: string, name: string, price: number];

const ROWS: Record<DemoCategory, Row[]> = {
  coffee: [
    ['cof-espresso-beans', 'Espresso Beans, 1 kg', 24.9],
    ['cof-filter-beans', 'Filter Roast Beans, 500 g', 14.5],
    ['cof-burr-grinder', 'Conical Burr Grinder', 129],
    ['cof-pour-over', 'Ceramic Pour-Over Dripper', 22],
    ['cof-paper-filters', 'Paper Filters, 100 pack', 5.9],
    ['cof-gooseneck-kettle', 'Gooseneck Kettle', 59],
    ['cof-moka-pot', 'Stovetop Moka Pot', 34],
  ],
  kitchen: [
    ['kit-chef-knife', "Chef's Knife, 20 cm", 79],
    ['kit-cutting-board', 'End-Grain Cutting Board', 49],
    ['kit-cast-iron-pan', 'Cast Iron Skillet, 26 cm', 45],
    ['kit-dutch-oven', 'Enamelled Dutch Oven', 119],
    ['kit-spice-rack', 'Magnetic Spice Rack', 29.5],
    ['kit-digital-scale', 'Digital Kitchen Scale', 19.9],
    ['kit-linen-apron', 'Linen Apron', 27],
  ],
  outdoor: [
    ['out-daypack', 'Daypack, 22 l', 69],
    ['out-trail-shoes', 'Trail Running Shoes', 110],
    ['out-headlamp', 'Rechargeable Headlamp', 39],
    ['out-water-filter', 'Squeeze Water Filter', 32],
    ['out-camp-stove', 'Compact Camp Stove', 54],
    ['out-insulated-bottle', 'Insulated Bottle, 750 ml', 28],
    ['out-rain-shell', 'Packable Rain Shell', 95],
  ],
  books: [
    ['bok-coffee-atlas', 'The Coffee Atlas', 36],
    ['bok-salt-fat', 'Cooking by Feel', 29],
    ['bok-trail-guide', 'Alpine Trail Guide', 24],
    ['bok-sound-design', 'Listening Rooms', 31],
    ['bok-small-spaces', 'Small Spaces, Calm Homes', 27.5],
    ['bok-data-streams', 'Streams, Logs and Events', 42],
  ],
  audio: [
    ['aud-headphones', 'Closed-Back Headphones', 149],
    ['aud-earbuds', 'Wireless Earbuds', 89],
    ['aud-bookshelf-speakers', 'Bookshelf Speakers, pair', 229],
    ['aud-turntable', 'Belt-Drive Turntable', 279],
    ['aud-dac', 'USB Headphone DAC', 99],
    ['aud-cable', 'Braided Audio Cable, 1.5 m', 12.9],
  ],
  home: [
    ['hom-desk-lamp', 'Adjustable Desk Lamp', 64],
    ['hom-wool-throw', 'Wool Throw Blanket', 85],
    ['hom-plant-pot', 'Stoneware Plant Pot', 23],
    ['hom-scented-candle', 'Cedar Scented Candle', 18],
    ['hom-wall-clock', 'Silent Wall Clock', 39],
    ['hom-linen-cushion', 'Linen Cushion Cover', 21],
    ['hom-storage-baskets', 'Woven Storage Baskets, set of 3', 44],
  ],
};

/** About forty products in six categories, in a stable order (category by category). */
export const DEMO_CATALOG: readonly Product[] = Object.freeze(
  DEMO_CATEGORIES.flatMap((category) => ROWS[category].map(([id, name, price]) => Object.freeze({ id, name, category, price, inStock: true, imageUrl: null }))),
);

/** Demo shoppers for the page's user switcher and the simulator. */
export const DEMO_USERS = [
  { id: 'demo-ada', name: 'Ada' },
  { id: 'demo-grace', name: 'Grace' },
  { id: 'demo-linus', name: 'Linus' },
  { id: 'demo-margaret', name: 'Margaret' },
] as const;

/** One product per line as JSON (the shape `upsertProducts` and the catalogue importer take). */
export function catalogJsonl(products: readonly Product[] = DEMO_CATALOG): string {
  return products.map((p) => JSON.stringify(p)).join('\n') + '\n';
}

const csvField = (value: string | number | boolean | null): string => {
  if (value === null) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** The same products as CSV with a header `id,name,category,price,inStock,imageUrl` (RFC 4180 quoting). */
export function catalogCsv(products: readonly Product[] = DEMO_CATALOG): string {
  const header = 'id,name,category,price,inStock,imageUrl';
  const lines = products.map((p) => [p.id, p.name, p.category, p.price, p.inStock, p.imageUrl].map(csvField).join(','));
  return [header, ...lines].join('\n') + '\n';
}
